package dev.terrace.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/**
 * An author, cached in the second-level cache: the entity itself, its {@link #getBooks() books} collection, and
 * the resolution of its natural id (the e-mail address) to its id.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Author {

    @Id
    @GeneratedValue
    private Long id;

    @NaturalId
    private String email;

    private String name;

    @OneToMany(mappedBy = "author", cascade = CascadeType.ALL)
    @OrderBy("title")
    @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
    private List<Book> books = new ArrayList<>();

    protected Author() {}

    public Author(String email, String name) {
        this.email = email;
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public String getEmail() {
        return email;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<Book> getBooks() {
        return books;
    }

    /** Adds {@code book} to this author's books, setting both sides of the association. */
    public Author write(Book book) {
        book.setAuthor(this);
        books.add(book);
        return this;
    }
}
