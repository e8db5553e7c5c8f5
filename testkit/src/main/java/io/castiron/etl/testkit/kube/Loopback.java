package io.castiron.etl.testkit.kube;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Ports and health checks of the servers the local control plane and the demo start on loopback. */
public final class Loopback {
    private Loopback() {
    }

    /** A port that is free now (another process may take it before the caller binds it: rare enough here). */
    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Whether a GET of the URL answers 200 within two seconds (false while the server is not up yet). */
    public static boolean answers200(String url) {
        return answers200(HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(url)));
    }

    static boolean answers200(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
