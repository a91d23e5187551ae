package dev.lowrank4j.io;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.lowrank4j.io.TestFiles.assertBitwiseEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HfCheckpointTest {
    private static final Path TINY = TestFiles.resource("/hf-tiny-llama/tinyllama");

    @TempDir
    Path tmp;

    private static void fails(Path dir, String... fragments) {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> HfCheckpoint.load(dir));
        TestFiles.assertMessage(e, fragments);
    }

    private static void assertSameWeights(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k).shape(), actual.get(k).shape(), k);
            assertBitwiseEqual(expected.get(k).data, actual.get(k).data);
        }
    }

    @Test
    void saveThenLoadRoundTrips() throws IOException {
        HfCheckpoint.Loaded orig = HfCheckpoint.load(TINY);
        Path out = tmp.resolve("new/ckpt");
        HfCheckpoint.save(out, orig.config(), orig.weights());
        HfCheckpoint.Loaded back = HfCheckpoint.load(out);
        assertEquals(orig.config(), back.config());
        assertSameWeights(orig.weights(), back.weights());
        // Same tensors in the same order as transformers wrote them: the weights file is byte-identical.
        assertArrayEquals(Files.readAllBytes(TINY.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")));
    }

    /** Splits the tiny model into two shards plus an index, like transformers' save_pretrained(max_shard_size=...). */
    private Map<String, Tensor> writeSharded(Path dir) throws IOException {
        HfCheckpoint.Loaded orig = HfCheckpoint.load(TINY);
        Files.createDirectories(dir);
        Files.copy(TINY.resolve("config.json"), dir.resolve("config.json"));
        List<String> names = new ArrayList<>(orig.weights().keySet());
        SafeTensorsWriter a = new SafeTensorsWriter();
        SafeTensorsWriter b = new SafeTensorsWriter();
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            String shard = i < 10 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (i < 10 ? a : b).putFloat(names.get(i), orig.weights().get(names.get(i)));
            map.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":\"").append(shard).append('"');
        }
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve(HfCheckpoint.INDEX_FILE),
                "{\"metadata\":{\"total_size\":500992},\"weight_map\":{" + map + "}}");
        return orig.weights();
    }

    @Test
    void loadsShardedCheckpoint() throws IOException {
        Path dir = tmp.resolve("sharded");
        Map<String, Tensor> expected = writeSharded(dir);
        HfCheckpoint.Loaded loaded = HfCheckpoint.load(dir);
        assertEquals(256, loaded.config().vocabSize());
        assertSameWeights(expected, loaded.weights());
    }

    @Test
    void shardedIndexPointingAtMissingShard() throws IOException {
        Path dir = tmp.resolve("sharded");
        writeSharded(dir);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        fails(dir, "shard model-00002-of-00002.safetensors is missing", "model.safetensors.index.json");
    }

    @Test
    void shardedIndexNamingTensorAbsentFromShard() throws IOException {
        Path dir = tmp.resolve("sharded");
        writeSharded(dir);
        String index = Files.readString(dir.resolve(HfCheckpoint.INDEX_FILE))
                .replace("\"model.norm.weight\":\"model-00002", "\"model.norm.weight\":\"model-00001");
        Files.writeString(dir.resolve(HfCheckpoint.INDEX_FILE), index);
        fails(dir, "'model.norm.weight'", "model-00001-of-00002.safetensors", "no such tensor");
    }

    @Test
    void shardedIndexCannotEscapeTheFolder() throws IOException {
        Path dir = tmp.resolve("sharded");
        writeSharded(dir);
        Files.writeString(dir.resolve(HfCheckpoint.INDEX_FILE), "{\"weight_map\":{\"w\":\"../elsewhere.safetensors\"}}");
        fails(dir, "'w'", "not a file name inside the checkpoint folder");
        Files.writeString(dir.resolve(HfCheckpoint.INDEX_FILE), "{\"weights\":{}}");
        fails(dir, "weight_map");
    }

    @Test
    void folderProblems() throws IOException {
        fails(tmp.resolve("absent"), "checkpoint folder not found", "absent");
        fails(Files.writeString(tmp.resolve("afile"), "x"), "afile", "expected a Hugging Face checkpoint folder");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        fails(empty, "has no config.json");
        Files.copy(TINY.resolve("config.json"), empty.resolve("config.json"));
        fails(empty, "has no weights", "model.safetensors", "model.safetensors.index.json");
        Files.writeString(empty.resolve("pytorch_model.bin"), "");
        fails(empty, "pytorch_model.bin");
    }

    @Test
    void saveOntoAFileIsAUserError() throws IOException {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        LlamaConfig cfg = HfCheckpoint.load(TINY).config();
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> HfCheckpoint.save(file, cfg, Map.of()));
        TestFiles.assertMessage(e, "taken", "is a file");
    }
}
