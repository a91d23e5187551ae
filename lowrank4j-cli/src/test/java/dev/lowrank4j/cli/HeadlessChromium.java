package dev.lowrank4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.util.Json;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Opens a page in headless Chromium over the DevTools protocol (a WebSocket, java.net.http) and
 * reports what a reader's browser would complain about: console errors, uncaught exceptions, error
 * log entries, and every request other than the page's own file (data: URLs are part of the page).
 * Also saves a full-page screenshot. One browser per check: the reports are few and a fresh profile
 * cannot carry state from one page to the next.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    /** The Chromium binary: $CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH. */
    public static Optional<Path> find() {
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank()) return Optional.of(Path.of(env)).filter(Files::isExecutable);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** What a page did wrong (empty when it loaded cleanly) and where its screenshot went. */
    public record Result(List<String> problems, Path screenshot) {}

    public HeadlessChromium(Path binary) throws IOException, InterruptedException {
        profile = Files.createTempDirectory("lowrank4j-chromium-");
        // port 0: Chromium picks a free port and writes it to DevToolsActivePort, so parallel runs never collide
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check", "--disable-gpu",
                "--no-sandbox", // CI containers run as root, where Chromium's sandbox refuses to start
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1100,900", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            int port = waitForPort();
            socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(pageSocket(port)), new Listener()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IOException("could not drive Chromium (" + e + "); its log: " + profile.resolve("chromium.log"), e);
        }
    }

    private int waitForPort() throws IOException, InterruptedException {
        Path f = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(f)) {
                List<String> lines = Files.readAllLines(f);
                if (lines.size() >= 2) return Integer.parseInt(lines.get(0).strip());
            }
            if (!process.isAlive()) throw new IOException("Chromium exited with " + process.exitValue());
            Thread.sleep(50);
        }
        throw new IOException("Chromium wrote no DevToolsActivePort within " + TIMEOUT);
    }

    /** The WebSocket of the page Chromium opened (about:blank): page-level domains live there, not on the browser socket. */
    private static String pageSocket(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode t : Json.MAPPER.readTree(r.body())) {
            if ("page".equals(t.path("type").asText())) return t.path("webSocketDebuggerUrl").asText();
        }
        throw new IOException("Chromium has no page target: " + r.body());
    }

    /** Loads {@code page}, lets it settle, saves a full-page PNG to {@code screenshot}, and lists what went wrong. */
    public Result check(Path page, Path screenshot) throws Exception {
        String url = page.toAbsolutePath().toUri().toString();
        events.clear();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) call(domain + ".enable", Json.MAPPER.createObjectNode());
        loaded = new CompletableFuture<>();
        ObjectNode nav = Json.MAPPER.createObjectNode().put("url", url);
        JsonNode navigated = call("Page.navigate", nav);
        if (navigated.has("errorText")) return new Result(List.of("navigation failed: " + navigated.get("errorText").asText()), null);
        loaded.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Thread.sleep(500); // a script's timers and fetches after load still count
        JsonNode size = call("Page.getLayoutMetrics", Json.MAPPER.createObjectNode()).path("cssContentSize");
        ObjectNode shot = Json.MAPPER.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        shot.putObject("clip").put("x", 0).put("y", 0).put("width", size.path("width").asDouble(1100))
                .put("height", size.path("height").asDouble(900)).put("scale", 1);
        byte[] png = Base64.getDecoder().decode(call("Page.captureScreenshot", shot).path("data").asText());
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        Files.write(screenshot, png);
        return new Result(problems(url), screenshot);
    }

    private List<String> problems(String ownUrl) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            JsonNode p = e.path("params");
            switch (e.path("method").asText()) {
                case "Runtime.consoleAPICalled" -> {
                    String type = p.path("type").asText();
                    if (type.equals("error") || type.equals("assert")) {
                        List<String> args = new ArrayList<>();
                        for (JsonNode a : p.path("args")) args.add(a.has("value") ? a.get("value").asText() : a.path("description").asText());
                        out.add("console." + type + ": " + String.join(" ", args));
                    }
                }
                case "Runtime.exceptionThrown" -> {
                    JsonNode d = p.path("exceptionDetails");
                    out.add("uncaught exception: " + d.path("exception").path("description").asText(d.path("text").asText()));
                }
                case "Log.entryAdded" -> {
                    JsonNode entry = p.path("entry");
                    if (entry.path("level").asText().equals("error")) {
                        out.add("log error (" + entry.path("source").asText() + "): " + entry.path("text").asText() + " " + entry.path("url").asText(""));
                    }
                }
                case "Network.requestWillBeSent" -> {
                    String u = p.path("request").path("url").asText();
                    if (!u.equals(ownUrl) && !u.startsWith("data:")) out.add("network request: " + u);
                }
                default -> { }
            }
        }
        return out;
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(Json.MAPPER.writeValueAsString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode reply = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) throw new IOException(method + ": " + reply.get("error"));
        return reply.path("result");
    }

    /** Collects a message's fragments, then routes it: a reply to its caller, an event to the list. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode m = Json.MAPPER.readTree(text.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                        if (f != null) f.complete(m);
                    } else {
                        events.add(m);
                        if (m.path("method").asText().equals("Page.loadEventFired")) loaded.complete(null);
                    }
                } catch (IOException e) {
                    events.add(Json.MAPPER.createObjectNode().put("method", "unparsable").put("text", text.toString()));
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        if (socket != null) socket.abort();
        List<ProcessHandle> children = process.descendants().toList(); // renderer and GPU processes it started
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            children.forEach(ProcessHandle::destroyForcibly);
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            // a leftover temp profile is harmless; the check's verdict does not depend on it
        }
    }
}
