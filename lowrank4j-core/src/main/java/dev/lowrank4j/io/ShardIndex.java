package dev.lowrank4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowrank4j.Lowrank4jException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.lowrank4j.util.Json;

/**
 * The {@code model.safetensors.index.json} of a sharded HF checkpoint: which shard file holds
 * each tensor. Shard names come from a downloaded file, so they are confined to the checkpoint
 * folder (no paths, no "..").
 */
record ShardIndex(Map<String, String> weightMap) {

    static ShardIndex read(Path indexFile) {
        String label = indexFile.getFileName().toString();
        ObjectNode root = Json.readObjectFile(indexFile);
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new Lowrank4jException(indexFile + ": needs a \"weight_map\" object (tensor name -> shard file), found "
                    + Json.kind(map));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            JsonNode shard = e.getValue();
            if (!shard.isTextual() || !isPlainFileName(shard.asText())) {
                throw new Lowrank4jException(label + ": tensor '" + e.getKey() + "' maps to " + Json.kind(shard)
                        + ", which is not a file name inside the checkpoint folder");
            }
            out.put(e.getKey(), shard.asText());
        }
        if (out.isEmpty()) {
            throw new Lowrank4jException(indexFile + ": weight_map is empty");
        }
        return new ShardIndex(Collections.unmodifiableMap(out));
    }

    private static boolean isPlainFileName(String s) {
        return !s.isEmpty() && !s.equals(".") && !s.equals("..") && s.indexOf('/') < 0 && s.indexOf('\\') < 0
                && s.indexOf('\0') < 0 && !s.contains(":");
    }
}
