package dev.terrace.jcache.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A row every process updates. */
@Entity
@Table(name = "counter")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Counter {
    @Id
    Long id;

    long value;

    String writer;

    protected Counter() {}
}
