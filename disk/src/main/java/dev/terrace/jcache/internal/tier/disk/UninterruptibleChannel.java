package dev.terrace.jcache.internal.tier.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A {@link FileChannel} that a caller's interrupt does not close. The JDK closes a file channel, for every
 * thread, when a thread that uses it is interrupted ({@code ClosedByInterruptException}): one cache call from a
 * thread a container or an executor interrupted (a timeout, a cancel) would close the store's journal, and
 * release its lock, for the whole process. Each call here runs with the calling thread's interrupt status
 * cleared and sets it again afterwards, so the caller still sees it. (An interrupt that arrives while a call is
 * in the kernel still closes the channel; the status is set again before any call, so that takes another thread
 * interrupting this one during those microseconds.)
 */
final class UninterruptibleChannel extends FileChannel {

    private final FileChannel channel;

    private UninterruptibleChannel(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens {@code path} as {@link FileChannel#open(Path, OpenOption...)} does, safe from callers' interrupts. */
    static FileChannel openFile(Path path, OpenOption... options) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return new UninterruptibleChannel(FileChannel.open(path, options));
        } finally {
            restore(interrupted);
        }
    }

    private static void restore(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private static <T> T call(Call<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return call.run();
        } finally {
            restore(interrupted);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return call(() -> channel.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return call(() -> channel.read(dsts, offset, length));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return call(() -> channel.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return call(() -> channel.write(srcs, offset, length));
    }

    @Override
    public long position() throws IOException {
        return call(channel::position);
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        call(() -> channel.position(newPosition));
        return this;
    }

    @Override
    public long size() throws IOException {
        return call(channel::size);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        call(() -> channel.truncate(size));
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        call(() -> {
            channel.force(metaData);
            return null;
        });
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        // The JDK copies between two of its own file channels in the kernel: hand it the channel underneath.
        WritableByteChannel to = target instanceof UninterruptibleChannel u ? u.channel : target;
        return call(() -> channel.transferTo(position, count, to));
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ReadableByteChannel from = src instanceof UninterruptibleChannel u ? u.channel : src;
        return call(() -> channel.transferFrom(from, position, count));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return call(() -> channel.read(dst, position));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return call(() -> channel.write(src, position));
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return call(() -> channel.map(mode, position, size));
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return call(() -> channel.lock(position, size, shared));
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return call(() -> channel.tryLock(position, size, shared));
    }

    @Override
    protected void implCloseChannel() throws IOException {
        channel.close();
    }
}
