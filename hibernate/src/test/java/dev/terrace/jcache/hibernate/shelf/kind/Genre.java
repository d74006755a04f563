package dev.terrace.jcache.hibernate.shelf.kind;

/** An application enum in a subpackage of its entity's package, held in the entity's cached state. */
public enum Genre {
    POETRY,
    HISTORY
}
