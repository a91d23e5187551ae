package dev.lowrank4j.adapters.peft;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The reference adapter on the classpath and helpers that write damaged copies of it. */
final class PeftFixtures {
    static final String REFERENCE = "/hf-tiny-llama/adapter";

    private PeftFixtures() {
    }

    static Path referenceAdapter() {
        URL url = PeftFixtures.class.getResource(REFERENCE + "/" + PeftAdapter.CONFIG_FILE);
        if (url == null) throw new IllegalStateException("test resource " + REFERENCE + " is missing");
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code src} in {@code dst} whose config was changed by {@code edit}. */
    static Path withEditedConfig(Path src, Path dst, Consumer<ObjectNode> edit) throws IOException {
        Files.createDirectories(dst);
        Files.copy(src.resolve(PeftAdapter.WEIGHTS_FILE), dst.resolve(PeftAdapter.WEIGHTS_FILE));
        ObjectNode cfg = (ObjectNode) Json.MAPPER.readTree(src.resolve(PeftAdapter.CONFIG_FILE).toFile());
        edit.accept(cfg);
        Files.writeString(dst.resolve(PeftAdapter.CONFIG_FILE), Json.pretty(cfg));
        return dst;
    }
}
