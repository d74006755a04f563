package dev.terrace.jcache.fault.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FaultWorker} JVM as the run sees it: started with this JVM's class path, driven through its input,
 * its progress and any deadlock it reports read from its output by a thread of its own.
 */
final class WorkerProcess implements AutoCloseable {

    final int index;
    final String stack;
    final Path history;
    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong lastWritten = new AtomicLong(-1);
    private volatile String deadlock;

    private WorkerProcess(int index, String stack, Path history, Process process) {
        this.index = index;
        this.stack = stack;
        this.history = history;
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "fault-worker-" + index + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts worker {@code index} on {@code stack} against {@code address}, keeping its files under {@code work}. */
    static WorkerProcess start(int index, String stack, String address, Path work, int keys) throws IOException {
        Path history = work.resolve("history-" + index + ".txt");
        Process process = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FaultWorker.class.getName(),
                        address,
                        stack,
                        work.resolve("disk-" + index).toString(),
                        Integer.toString(index),
                        Integer.toString(keys),
                        history.toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        work.resolve("worker-" + index + ".log").toFile()))
                .start();
        return new WorkerProcess(index, stack, history, process);
    }

    private void readOutput() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("progress ")) {
                    String[] parts = line.split(" ");
                    operations.set(Long.parseLong(parts[1]));
                    lastWritten.set(Long.parseLong(parts[2]));
                } else if (line.startsWith("deadlock")) {
                    deadlock = line;
                } else {
                    replies.add(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended; alive() tells
        }
    }

    /** Waits up to {@code seconds} for a reply starting with {@code prefix}, failing if the JVM is gone. */
    String await(String prefix, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String reply = replies.poll(100, TimeUnit.MILLISECONDS);
            if (reply != null && reply.startsWith(prefix)) {
                return reply;
            }
            if (reply == null && !process.isAlive() && replies.isEmpty()) {
                break;
            }
        }
        throw new IllegalStateException("Worker " + index + " (" + stack + ") did not answer " + prefix
                + (deadlock != null ? ": " + deadlock : process.isAlive() ? "" : ": it ended with " + exitCode()));
    }

    void send(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
    }

    /** Asks for the worker's view of every key: what its {@code get} returns, {@code null} for none. */
    Map<String, String> view() throws IOException, InterruptedException {
        send("dump");
        Map<String, String> view = new HashMap<>();
        for (String entry : await("view ", 30).substring(5).split(",")) {
            int equals = entry.indexOf('=');
            String value = entry.substring(equals + 1);
            view.put(entry.substring(0, equals), value.equals("-") ? null : value);
        }
        return view;
    }

    long operations() {
        return operations.get();
    }

    long lastWritten() {
        return lastWritten.get();
    }

    /** The deadlock the worker reported, or {@code null}. */
    String deadlock() {
        return deadlock;
    }

    long pid() {
        return process.pid();
    }

    /** Stops ({@code SIGSTOP}) or continues ({@code SIGCONT}) the JVM. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    private String exitCode() {
        try {
            return Integer.toString(process.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    /** Asks the worker to quit; ends it forcibly when it does not within 30 s. Returns its exit code. */
    int quit() throws InterruptedException {
        try {
            send("quit");
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException | InterruptedException | RuntimeException e) {
                // ending it anyway
            }
            process.destroyForcibly();
        }
    }
}
