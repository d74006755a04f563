package dev.terrace.jcache.hibernate.shelf;

import dev.terrace.jcache.hibernate.shelf.kind.Genre;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** An entity whose cached state holds an application class (an enum) that no setting names. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Shelf {
    @Id
    public Long id;

    @Enumerated(EnumType.STRING)
    public Genre genre;

    protected Shelf() {}

    public Shelf(Long id, Genre genre) {
        this.id = id;
        this.genre = genre;
    }
}
