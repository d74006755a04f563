package dev.terrace.jcache.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The line between what users compile against and Terrace's internals: the API packages hold few public types,
 * and none of their public or protected members names a type of {@code dev.terrace.jcache.internal}.
 */
class ApiLineTest {

    private static final String BASE = "dev.terrace.jcache";
    private static final String INTERNAL = BASE + ".internal";
    private static final int MOST_PUBLIC_TYPES = 25;

    @Test
    void theApiHasAFewPublicTypesThatANewcomerCanListOnOneScreen() {
        Set<String> publicTypes = new TreeSet<>();
        for (Class<?> type : apiClasses()) {
            if (Modifier.isPublic(type.getModifiers()) && type.getEnclosingClass() == null) {
                publicTypes.add(type.getName());
            }
        }
        assertThat(publicTypes)
                .as("public top-level types outside %s (the API line aims at %d or fewer)", INTERNAL, MOST_PUBLIC_TYPES)
                .hasSizeLessThanOrEqualTo(MOST_PUBLIC_TYPES)
                .isNotEmpty();
    }

    @Test
    void noPublicMemberOfTheApiTakesOrReturnsAnInternalType() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : apiClasses()) {
            if (!isVisible(type)) {
                continue;
            }
            for (Type supertype : supertypes(type)) {
                check(leaks, type.getName() + " extends/implements", supertype);
            }
            for (Method method : type.getDeclaredMethods()) {
                if (isVisible(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()) {
                    check(leaks, describe(method), method.getGenericReturnType());
                    checkExecutable(leaks, method);
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (isVisible(constructor.getModifiers()) && !constructor.isSynthetic()) {
                    checkExecutable(leaks, constructor);
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (isVisible(field.getModifiers()) && !field.isSynthetic()) {
                    check(leaks, type.getName() + "." + field.getName(), field.getGenericType());
                }
            }
        }
        assertThat(leaks)
                .as("public or protected members of API types that name an internal type (hand out a view instead)")
                .isEmpty();
    }

    private static void checkExecutable(List<String> leaks, Executable executable) {
        for (Type parameter : executable.getGenericParameterTypes()) {
            check(leaks, describe(executable), parameter);
        }
        for (Type thrown : executable.getGenericExceptionTypes()) {
            check(leaks, describe(executable), thrown);
        }
    }

    private static void check(List<String> leaks, String where, Type type) {
        Set<Type> seen = new HashSet<>();
        List<Type> pending = new ArrayList<>(List.of(type));
        while (!pending.isEmpty()) {
            Type next = pending.remove(pending.size() - 1);
            if (!seen.add(next)) {
                continue;
            }
            if (next instanceof Class<?> raw) {
                Class<?> element = raw;
                while (element.isArray()) {
                    element = element.getComponentType();
                }
                if (element.getName().startsWith(INTERNAL + ".")) {
                    leaks.add(where + " -> " + element.getName());
                }
            } else if (next instanceof ParameterizedType parameterized) {
                pending.add(parameterized.getRawType());
                pending.addAll(List.of(parameterized.getActualTypeArguments()));
            } else if (next instanceof WildcardType wildcard) {
                pending.addAll(List.of(wildcard.getUpperBounds()));
                pending.addAll(List.of(wildcard.getLowerBounds()));
            } else if (next instanceof GenericArrayType array) {
                pending.add(array.getGenericComponentType());
            } else if (next instanceof TypeVariable<?> variable) {
                pending.addAll(List.of(variable.getBounds()));
            }
        }
    }

    private static List<Type> supertypes(Class<?> type) {
        List<Type> supertypes = new ArrayList<>(List.of(type.getGenericInterfaces()));
        if (type.getGenericSuperclass() != null) {
            supertypes.add(type.getGenericSuperclass());
        }
        return supertypes;
    }

    private static String describe(Executable executable) {
        return executable.getDeclaringClass().getName() + "." + executable.getName();
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers()) && !Modifier.isProtected(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Every class compiled from the provider's main sources outside the internal packages. */
    private static List<Class<?>> apiClasses() {
        Path root;
        try {
            root = Path.of(dev.terrace.jcache.TerraceCachingProvider.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        assertThat(root)
                .as("the provider's classes are a directory in this build")
                .isDirectory();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve(BASE.replace('.', '/')))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = root.relativize(file).toString().replace('/', '.');
                if (!relative.endsWith(".class") || relative.endsWith("package-info.class")) {
                    continue;
                }
                String name = relative.substring(0, relative.length() - ".class".length());
                if (name.startsWith(INTERNAL + ".")) {
                    continue;
                }
                classes.add(Class.forName(name, false, ApiLineTest.class.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        assertThat(classes).as("API classes found under %s", root).isNotEmpty();
        return classes;
    }
}
