package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a cache manager's URI and properties lead to its configuration file. */
class ConfigLocatorTest {

    private static final ClassLoader LOADER = ConfigLocatorTest.class.getClassLoader();

    @TempDir
    Path dir;

    private static TerraceConfig locate(String uri, ClassLoader loader) {
        return ConfigLocator.locate(URI.create(uri), loader, new Properties(), Map.<String, String>of()::get);
    }

    private static String maxSize(TerraceConfig config) {
        return config.properties(null).get(TerraceSettings.HEAP_MAX_ENTRIES);
    }

    @Test
    void aClasspathUriReadsTheResource() {
        TerraceConfig config = locate("classpath:config/terrace-test.yaml", LOADER);
        assertThat(maxSize(config)).isEqualTo("321");
        assertThat(config.source()).isEqualTo("classpath:config/terrace-test.yaml");
        assertThat(maxSize(locate("classpath:/config/terrace-test.yaml", LOADER)))
                .isEqualTo("321");
    }

    @Test
    void aFileUriReadsTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "cache: {backends: {l1: {max_size: 77}}}");
        assertThat(maxSize(locate(file.toUri().toString(), LOADER))).isEqualTo("77");
    }

    @Test
    void aJarUriAsSpringGivesItReadsTheEntry() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out)) {
            jarOut.putNextEntry(new JarEntry("BOOT-INF/classes/terrace.yaml"));
            jarOut.write("cache: {backends: {l1: {max_size: 55}}}".getBytes(StandardCharsets.UTF_8));
            jarOut.closeEntry();
        }
        String uri = "jar:" + jar.toUri() + "!/BOOT-INF/classes/terrace.yaml";
        assertThat(maxSize(locate(uri, LOADER))).isEqualTo("55");
        assertThatThrownBy(() -> locate("jar:" + jar.toUri() + "!/missing.yaml", LOADER))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void aPlainNameAsHibernatePassesItIsLookedUpOnTheClassPathWithOrWithoutExtension() {
        assertThat(maxSize(locate("config/terrace-test.yaml", LOADER))).isEqualTo("321");
        assertThat(maxSize(locate("config/terrace-test", LOADER))).isEqualTo("321");
    }

    @Test
    void aPlainNameIsLookedUpInTheWorkingDirectoryToo() throws IOException {
        Path file = Path.of("target", "locator-" + ProcessHandle.current().pid() + ".yaml");
        Files.writeString(file, "cache: {backends: {l1: {max_size: 88}}}");
        try {
            assertThat(maxSize(locate(file.toString(), LOADER))).isEqualTo("88");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aUriThatNamesAMissingYamlFileFails() {
        assertThatThrownBy(() -> locate("classpath:terrace-prod.yaml", LOADER))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("The Terrace configuration classpath:terrace-prod.yaml cannot be found")
                .hasMessageContaining("no resource terrace-prod.yaml on the class path");
        assertThatThrownBy(() -> locate(dir.resolve("absent.yaml").toUri().toString(), LOADER))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("no file " + dir.resolve("absent.yaml"));
        assertThatThrownBy(() -> locate("absent-terrace.yaml", LOADER))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("absent-terrace.yaml cannot be found");
    }

    @Test
    void aUriThatOnlyNamesTheManagerGetsTheDefaultFileOrNone() throws IOException {
        assertThat(locate("terrace:default", LOADER)).isSameAs(TerraceConfig.empty());
        assertThat(locate("my-caches", LOADER)).isSameAs(TerraceConfig.empty());
        Files.writeString(dir.resolve("terrace.yaml"), "cache: {backends: {l1: {max_size: 99}}}");
        try (URLClassLoader withDefault =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, LOADER)) {
            assertThat(maxSize(locate("terrace:default", withDefault))).isEqualTo("99");
            assertThat(maxSize(locate("my-caches", withDefault))).isEqualTo("99");
            assertThat(maxSize(locate("classpath:config/terrace-test.yaml", withDefault)))
                    .as("a named file wins over the default")
                    .isEqualTo("321");
        }
    }

    @Test
    void thePropertyNamesAConfigurationObjectOrAFile() {
        TerraceConfig built = TerraceConfig.builder().heap(h -> h.maxSize(11)).build();
        Properties properties = new Properties();
        properties.put(TerraceConfig.PROPERTY, built);
        assertThat(ConfigLocator.locate(URI.create("classpath:config/terrace-test.yaml"), LOADER, properties))
                .isSameAs(built);
        properties.put(TerraceConfig.PROPERTY, "classpath:config/terrace-test.yaml");
        assertThat(maxSize(ConfigLocator.locate(URI.create("terrace:x"), LOADER, properties)))
                .isEqualTo("321");
        properties.put(TerraceConfig.PROPERTY, "terrace:nothing");
        assertThatThrownBy(() -> ConfigLocator.locate(URI.create("terrace:x"), LOADER, properties))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("names no YAML file");
        properties.put(TerraceConfig.PROPERTY, 42);
        assertThatThrownBy(() -> ConfigLocator.locate(URI.create("terrace:x"), LOADER, properties))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining(
                        "is a java.lang.Integer; allowed: a TerraceConfig or the location of a YAML file");
    }
}
