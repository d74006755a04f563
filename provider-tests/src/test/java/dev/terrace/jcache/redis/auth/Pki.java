package dev.terrace.jcache.redis.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA with a server certificate for 127.0.0.1 and a client certificate, made with {@code openssl} and
 * {@code keytool} into a test's directory, and the PKCS12 trust store (the CA) and key store (the client) a
 * client uses. Both stores are protected by the value of the environment variable {@link #PASSWORD_ENV}: the
 * settings read store passwords only from the environment, and {@code PATH} is the one variable every test
 * JVM has.
 */
record Pki(Path directory) {

    static final String PASSWORD_ENV = "PATH";

    static Pki create(Path directory) {
        Pki pki = new Pki(directory);
        pki.run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Terrace Test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt");
        pki.signed("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\n");
        pki.signed("client", "/CN=terrace-client", "extendedKeyUsage=clientAuth\n");
        pki.run(
                "keytool",
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.crt",
                "-keystore",
                "trust.p12",
                "-storetype",
                "PKCS12",
                "-storepass:env",
                PASSWORD_ENV);
        pki.run(
                "openssl",
                "pkcs12",
                "-export",
                "-in",
                "client.crt",
                "-inkey",
                "client.key",
                "-name",
                "client",
                "-out",
                "client.p12",
                "-passout",
                "env:" + PASSWORD_ENV);
        return pki;
    }

    private void signed(String name, String subject, String extensions) {
        try {
            Files.writeString(directory.resolve(name + ".ext"), extensions);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        run(
                "openssl",
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                subject,
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr");
        run(
                "openssl",
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                name + ".ext",
                "-out",
                name + ".crt");
    }

    Path caCertificate() {
        return directory.resolve("ca.crt");
    }

    Path serverCertificate() {
        return directory.resolve("server.crt");
    }

    Path serverKey() {
        return directory.resolve("server.key");
    }

    /** PKCS12 with the CA certificate, password from {@link #PASSWORD_ENV}. */
    Path trustStore() {
        return directory.resolve("trust.p12");
    }

    /** PKCS12 with the client's certificate and key, password from {@link #PASSWORD_ENV}. */
    Path keyStore() {
        return directory.resolve("client.p12");
    }

    private void run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command))
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("pki.log").toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", command) + " failed: " + Files.readString(directory.resolve("pki.log")));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command[0] + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
