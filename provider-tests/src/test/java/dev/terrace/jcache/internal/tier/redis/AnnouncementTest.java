package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import javax.cache.event.EventType;
import org.junit.jupiter.api.Test;

/**
 * How a process reads announcements: the head (origin, kind, shard, epoch, sequence number) when the message
 * arrives, the changes only when asked, so that its own announcements, which it passes over, cost no decoding of
 * keys and values; and a batch's announcement (kind 5, {@code redis-write-batch.lua}) taken apart into its changes,
 * each with its own event and values, in order. The messages are built here byte for byte as the scripts build them.
 */
class AnnouncementTest {

    private static final UUID ORIGIN = UUID.randomUUID();
    private static final String EPOCH = "0123456789abcdef";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The head and middle of a message, with {@code kind} and {@code type} (bytes 17 and 18) as the script sets. */
    private static ByteArrayOutputStream start(byte kind, int shard, long seq) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        byte[] head = Announcement.changeHead(ORIGIN, shard, null);
        head[16] = kind;
        message.writeBytes(head);
        message.writeBytes(bytes(EPOCH + String.format("%020d", seq)));
        return message;
    }

    @Test
    void aBatchAnnouncementIsTakenApartIntoEachChangeWithItsEventAndValuesInOrder() {
        ByteArrayOutputStream message = start(Announcement.BATCH, 3, 42);
        // CREATED with its value, no old value (kind 1); UPDATED with the old value left out (kind 4); REMOVED
        // with the values left out (kind 3, the key alone).
        message.writeBytes(new byte[] {1, (byte) (EventType.CREATED.ordinal() + 1)});
        message.writeBytes(Announcement.changeTail(bytes("a"), EventType.CREATED, bytes("va"), null));
        message.writeBytes(new byte[] {4, (byte) (EventType.UPDATED.ordinal() + 1)});
        message.writeBytes(Announcement.changeTail(bytes("b"), EventType.UPDATED, bytes("vb"), null));
        message.writeBytes(new byte[] {3, (byte) (EventType.REMOVED.ordinal() + 1)});
        message.writeBytes(ByteBuffer.allocate(5).putInt(1).put(bytes("c")).array());

        Announcement announcement = Announcement.parse(message.toByteArray());
        List<Announcement.Change> changes = announcement.changes();

        assertThat(announcement.origin()).isEqualTo(ORIGIN);
        assertThat(announcement.shard()).isEqualTo(3);
        assertThat(announcement.epoch()).isEqualTo(EPOCH);
        assertThat(announcement.seq())
                .as("one sequence number for the whole batch")
                .isEqualTo(42);
        assertThat(announcement.cleared()).isFalse();
        assertThat(changes)
                .extracting(c -> new String(c.key(), StandardCharsets.UTF_8))
                .containsExactly("a", "b", "c");
        assertThat(changes)
                .extracting(Announcement.Change::type)
                .containsExactly(EventType.CREATED, EventType.UPDATED, EventType.REMOVED);
        assertThat(changes.get(0).newValue()).isEqualTo(bytes("va"));
        assertThat(changes.get(0).oldValue()).isNull();
        assertThat(changes.get(1).left()).isEqualTo(Announcement.OLD_VALUE_LEFT_OUT);
        assertThat(changes.get(2).left()).isEqualTo(Announcement.VALUES_LEFT_OUT);
        assertThat(changes.get(2).newValue()).isNull();
    }

    @Test
    void aSingleChangesAnnouncementStillReadsAsBefore() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(Announcement.changeHead(ORIGIN, 0, EventType.UPDATED));
        message.writeBytes(bytes(EPOCH + String.format("%020d", 7)));
        message.writeBytes(Announcement.changeTail(bytes("k"), EventType.UPDATED, bytes("new"), bytes("old")));

        Announcement announcement = Announcement.parse(message.toByteArray());

        assertThat(announcement.seq()).isEqualTo(7);
        assertThat(announcement.changes()).singleElement().satisfies(change -> {
            assertThat(change.key()).isEqualTo(bytes("k"));
            assertThat(change.type()).isEqualTo(EventType.UPDATED);
            assertThat(change.newValue()).isEqualTo(bytes("new"));
            assertThat(change.oldValue()).isEqualTo(bytes("old"));
            assertThat(change.left()).isEqualTo(Announcement.NOTHING_LEFT_OUT);
        });
    }

    @Test
    void parsingReadsTheHeadAloneSoAProcessPassesOverItsOwnAnnouncementsWithoutDecodingThem() {
        ByteArrayOutputStream message = start(Announcement.BATCH, 0, 9);
        // A body that would fail to decode (a length past the end): parse must not touch it.
        message.writeBytes(new byte[] {1, 1, 0x7f, 0, 0, 0});

        Announcement announcement = Announcement.parse(message.toByteArray());

        assertThat(announcement.origin()).isEqualTo(ORIGIN);
        assertThat(announcement.seq()).isEqualTo(9);
    }
}
