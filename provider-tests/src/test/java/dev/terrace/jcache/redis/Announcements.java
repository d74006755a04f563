package dev.terrace.jcache.redis;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads announcements as a plain subscriber ({@link ChannelTap}) receives them: a single change's announcement is
 * its head (20 bytes: origin, kind, event type, shard), middle (epoch and sequence number, 36 bytes) and tail (key,
 * new value, old value, each length-prefixed, trimmed by the kind); a batch's (kind 5) is a head and middle, then
 * for each change its kind, event type and trimmed tail (see {@code Announcement.java}).
 */
public final class Announcements {

    private static final int HEAD = 20;
    private static final int MIDDLE = 36;
    private static final byte BATCH = 5;
    private static final byte VALUES_LEFT_OUT = 3;

    private Announcements() {}

    /** Each change of {@code messages}, in order, as the announcement it would have had alone. */
    public static List<byte[]> changes(List<byte[]> messages) {
        List<byte[]> changes = new ArrayList<>();
        for (byte[] message : messages) {
            if (message[16] != BATCH) {
                changes.add(message);
                continue;
            }
            ByteBuffer buffer = ByteBuffer.wrap(message).position(HEAD + MIDDLE);
            while (buffer.hasRemaining()) {
                int start = buffer.position();
                byte kind = buffer.get();
                buffer.get();
                skip(buffer);
                if (kind != VALUES_LEFT_OUT) {
                    skip(buffer);
                    skip(buffer);
                }
                ByteBuffer single = ByteBuffer.allocate(HEAD + MIDDLE + buffer.position() - start - 2);
                single.put(message, 0, 16).put(message, start, 2).put(message, 18, 2 + MIDDLE);
                single.put(Arrays.copyOfRange(message, start + 2, buffer.position()));
                changes.add(single.array());
            }
        }
        return changes;
    }

    private static void skip(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length > 0) {
            buffer.position(buffer.position() + length);
        }
    }
}
