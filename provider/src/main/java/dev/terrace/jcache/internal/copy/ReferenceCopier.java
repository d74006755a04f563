package dev.terrace.jcache.internal.copy;

/** Store-by-reference: the cache keeps and hands out the caller's own objects. */
public final class ReferenceCopier implements Copier {

    public static final ReferenceCopier INSTANCE = new ReferenceCopier();

    private ReferenceCopier() {}

    @Override
    public <K> K copyKey(K key) {
        return key;
    }

    @Override
    public Object toStored(Object value) {
        return value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V fromStored(Object stored) {
        return (V) stored;
    }
}
