package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class FileWatchSettingsTest {

    private static Properties properties(String... pairs) {
        Properties properties = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            properties.setProperty(pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    @Test
    void offByDefaultWithAHundredMillisecondDebounce() {
        FileWatchSettings settings = FileWatchSettings.from(new Properties());
        assertThat(settings.enabled()).isFalse();
        assertThat(settings.watchPaths()).isEmpty();
        assertThat(settings.debounce()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.verifyOnRead()).isFalse();
        assertThat(settings.contentHash()).isFalse();
        assertThat(TerraceSettings.from(new Properties()).files()).isEqualTo(settings);
    }

    @Test
    void watchPathsTurnItOnAndAreNormalisedWhicheverSeparatorListsThem() {
        FileWatchSettings settings = FileWatchSettings.from(properties(
                "terrace.files.watch-paths", "/srv/a/../b, /srv/c" + File.pathSeparator + "/srv/d",
                "terrace.files.debounce-ms", "250",
                "terrace.files.verify-on-read", "true",
                "terrace.files.content-hash", "TRUE"));
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.watchPaths()).containsExactly(Path.of("/srv/b"), Path.of("/srv/c"), Path.of("/srv/d"));
        assertThat(settings.debounce()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.verifyOnRead()).isTrue();
        assertThat(settings.contentHash()).isTrue();
    }

    @Test
    void canBeTurnedOffWithWatchPathsOrOnWithout() {
        assertThat(FileWatchSettings.from(
                                properties("terrace.files.watch-paths", "/srv", "terrace.files.enabled", "false"))
                        .enabled())
                .isFalse();
        assertThat(FileWatchSettings.from(properties("terrace.files.enabled", "true"))
                        .enabled())
                .isTrue();
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> FileWatchSettings.from(properties("terrace.files.debounce-ms", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("terrace.files.debounce-ms")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> FileWatchSettings.from(properties("terrace.files.debounce-ms", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("terrace.files.debounce-ms");
        assertThatThrownBy(() -> FileWatchSettings.from(properties("terrace.files.verify-on-read", "yes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("terrace.files.verify-on-read")
                .hasMessageContaining("yes");
        assertThatThrownBy(() -> FileWatchSettings.from(properties("terrace.files.watch-paths", "/a\0b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("terrace.files.watch-paths");
    }

    @Test
    void systemPropertiesAreTheFallback() {
        System.setProperty("terrace.files.debounce-ms", "7");
        try {
            assertThat(FileWatchSettings.from(new Properties()).debounce()).isEqualTo(Duration.ofMillis(7));
            assertThat(FileWatchSettings.from(properties("terrace.files.debounce-ms", "8"))
                            .debounce())
                    .isEqualTo(Duration.ofMillis(8));
        } finally {
            System.clearProperty("terrace.files.debounce-ms");
        }
    }
}
