package dev.terrace.jcache.internal.copy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import javax.cache.CacheException;

/**
 * Java serialization, resolving classes through the cache manager's class loader so that applications with
 * their own class loaders (application servers, plugins) get their own classes back.
 */
public final class JavaSerializer {

    private final ClassLoader classLoader;

    public JavaSerializer(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /**
     * The serialized form of {@code object}.
     *
     * @throws IllegalArgumentException when the object cannot be serialized
     */
    public byte[] serialize(Object object) {
        if (!(object instanceof Serializable)) {
            throw new IllegalArgumentException(notSerializable(object.getClass().getName()));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(notSerializable(e.getMessage()), e);
        } catch (IOException e) {
            throw new CacheException(
                    "Failed to serialize a " + object.getClass().getName(), e);
        } catch (RuntimeException | Error e) {
            // The object's own writeObject (or one of its fields') threw: the caller gets the spec's exception.
            throw new CacheException(
                    "Failed to serialize a " + object.getClass().getName() + ": its serialization threw " + e, e);
        }
        return bytes.toByteArray();
    }

    /** The object read back from {@code bytes}. */
    public Object deserialize(byte[] bytes) {
        LoaderObjectInputStream in = null;
        try (LoaderObjectInputStream stream =
                new LoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
            in = stream;
            return stream.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new CacheException("Failed to deserialize a cached object: " + e, e);
        } catch (RuntimeException | Error e) {
            throw readThrew(in, e);
        }
    }

    /**
     * The object read back from {@code bytes} that came from outside this process (disk or Redis): only
     * classes {@code filter} allows are resolved, and a refused class fails the read before any instance of it
     * exists.
     *
     * @throws CacheException naming the refused class and the setting that allows it
     */
    public Object deserialize(byte[] bytes, SerialFilter filter) {
        SerialFilter.Check check = filter.check();
        LoaderObjectInputStream in = null;
        try (LoaderObjectInputStream stream =
                new LoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
            in = stream;
            stream.setObjectInputFilter(check);
            return stream.readObject();
        } catch (IOException | ClassNotFoundException e) {
            if (check.refused() != null) {
                throw new CacheException(check.message(), e);
            }
            throw new CacheException("Failed to deserialize a cached object: " + e, e);
        } catch (RuntimeException | Error e) {
            throw readThrew(in, e);
        }
    }

    /**
     * What a caller gets when a class's own readObject, or damaged bytes (a bogus array length can even raise an
     * OutOfMemoryError), made deserialization throw something other than an IOException.
     */
    private static CacheException readThrew(LoaderObjectInputStream in, Throwable e) {
        String type = in == null || in.lastClass == null ? "cached object" : in.lastClass;
        return new CacheException("Failed to deserialize a " + type + ": its deserialization threw " + e, e);
    }

    private static String notSerializable(String className) {
        return "A store-by-value cache copies keys and values by Java serialization, but " + className
                + " is not Serializable: make it Serializable or configure the cache with setStoreByValue(false)";
    }

    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader classLoader;
        /** The last class resolved, to name in a failure. */
        private String lastClass;

        LoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
            super(in);
            this.classLoader = classLoader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            lastClass = desc.getName();
            try {
                return Class.forName(desc.getName(), false, classLoader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
