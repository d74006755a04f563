package dev.terrace.jcache.redis.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on a free loopback port, with the server certificate of a {@link Pki}, that completes every
 * handshake and then never answers: what a client sees of a server that is too slow to answer, or of a TLS 1.3
 * server whose refusal of the client certificate (sent only after the client's side of the handshake is done)
 * has not arrived yet. Asks for no client certificate, so the handshake itself always succeeds.
 */
final class SilentTlsServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final List<Socket> accepted = new ArrayList<>();
    private final Thread acceptor;

    private SilentTlsServer(SSLServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::accept, "silent-tls-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static SilentTlsServer start(Pki pki) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = "silent".toCharArray();
            store.setKeyEntry("server", privateKey(pki.serverKey()), password, new Certificate[] {
                certificate(pki.serverCertificate())
            });
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            SSLServerSocket socket = (SSLServerSocket)
                    context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new SilentTlsServer(socket);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot start the silent TLS server: " + e, e);
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem);
        if (!text.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalStateException(pem + " is not an unencrypted PKCS#8 key");
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static Certificate certificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                synchronized (accepted) {
                    accepted.add(socket);
                }
                // Each connection on its own thread: a client's handshake never waits for another's.
                Thread holder = new Thread(() -> handshakeAndHold(socket), "silent-tls-connection");
                holder.setDaemon(true);
                holder.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Completes the handshake, then reads (and drops) whatever comes until the client or the test closes. */
    private static void handshakeAndHold(SSLSocket socket) {
        try {
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[512];
            while (in.read(buffer) >= 0) {
                // never answers
            }
        } catch (IOException e) {
            // the client or the test closed the connection
        }
    }

    /** {@code rediss://127.0.0.1:<port>}. */
    String address() {
        return "rediss://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        synchronized (accepted) {
            for (Socket socket : accepted) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
    }
}
