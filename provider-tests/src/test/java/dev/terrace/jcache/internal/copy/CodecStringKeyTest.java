package dev.terrace.jcache.internal.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a string key is encoded into one array when it is ASCII. The bytes are what the disk journal, the
 * disk index and Redis keys hold, so they must stay exactly the tag followed by the UTF-8 bytes, for every
 * string (non-ASCII ones take the general path), and decode back to the same string.
 */
class CodecStringKeyTest {

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());

    @Test
    void aStringKeyIsItsTagThenItsUtf8Bytes() {
        List<String> keys = List.of(
                "",
                "k",
                "key-123456",
                "\u007f",
                "caf\u00e9",
                "\u00ff",
                "\u0141\u00f3d\u017a",
                "a\u0100b",
                "\u4e2d\u6587",
                "emoji \ud83d\ude00",
                "lone \ud800 surrogate",
                "tail\u0080");
        for (String key : keys) {
            byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
            byte[] expected = new byte[utf8.length + 1];
            expected[0] = 2; // the STRING tag
            System.arraycopy(utf8, 0, expected, 1, utf8.length);

            byte[] encoded = codec.encodeKey(key);

            assertThat(encoded).as("the encoding of %s", key).isEqualTo(expected);
            assertThat(codec.decodeKey(encoded))
                    .isEqualTo(key.equals("lone \ud800 surrogate") ? "lone ? surrogate" : key);
        }
    }
}
