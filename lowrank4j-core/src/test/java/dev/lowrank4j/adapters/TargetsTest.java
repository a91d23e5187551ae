package dev.lowrank4j.adapters;

import dev.lowrank4j.Lowrank4jException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetsTest {
    private static final List<String> PATHS = List.of(
            "model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj", "model.layers.0.mlp.down_proj",
            "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj", "model.layers.1.mlp.down_proj",
            "model.layers.10.self_attn.q_proj", "lm_head");

    @Test
    void namesMatchByDottedSuffixInModelOrder() {
        List<String> got = Targets.select(TargetModules.names("v_proj", "q_proj"), PATHS);
        assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj",
                "model.layers.10.self_attn.q_proj"), got);
    }

    @Test
    void nameMustMatchAWholeSegmentNotAnySuffix() {
        assertTrue(Targets.matchesName("model.layers.0.self_attn.q_proj", "self_attn.q_proj"));
        assertTrue(Targets.matchesName("lm_head", "lm_head"));
        assertFalse(Targets.matchesName("model.layers.0.self_attn.q_proj", "proj"));
        assertFalse(Targets.matchesName("model.layers.0.self_attn.q_proj", "_proj"));
        // layer "1" must not match "layers.10"
        assertEquals(List.of("model.layers.1.self_attn.q_proj"),
                Targets.select(TargetModules.names("layers.1.self_attn.q_proj"), PATHS));
    }

    @Test
    void aStringIsAFullMatchRegexAsInPeft() {
        assertEquals(List.of("model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"),
                Targets.select(TargetModules.regex("model\\.layers\\.1\\.self_attn\\..*"), PATHS));
        // "q_proj" as a regex must match the whole path, so it selects nothing
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> Targets.select(TargetModules.regex("q_proj"), PATHS));
        assertTrue(e.getMessage().contains("regex 'q_proj'"), e.getMessage());
    }

    @Test
    void allLinearLeavesOutTheOutputLayer() {
        List<String> got = Targets.select(TargetModules.fromString("all-linear"), PATHS);
        assertEquals(PATHS.size() - 1, got.size());
        assertFalse(got.contains("lm_head"));
    }

    @Test
    void aNameThatMatchesNothingIsNamedWithTheAvailableSuffixes() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class,
                () -> Targets.select(TargetModules.names("q_proj", "qproj"), PATHS));
        String msg = e.getMessage();
        assertTrue(msg.contains("'qproj'"), msg);
        assertTrue(msg.contains("q_proj, v_proj, down_proj, lm_head"), msg);
        assertFalse(msg.contains("\n"), "one-line error");
    }

    @Test
    void badRegexAndEmptyListAreUserErrors() {
        assertThrows(Lowrank4jException.class, () -> Targets.select(TargetModules.regex("(q_proj"), PATHS));
        assertThrows(Lowrank4jException.class, () -> TargetModules.names(List.of()));
    }
}
