package dev.lowrank4j.adapters;

import dev.lowrank4j.Lowrank4jException;

import java.util.List;

/**
 * PEFT's {@code target_modules}: which projections an adapter replaces. The three forms follow
 * PEFT's own semantics so an {@code adapter_config.json} means the same thing here as there:
 * <ul>
 *   <li>{@link Names}: a module path matches when it equals a name or ends with {@code "." + name}
 *       (so {@code q_proj} and {@code self_attn.q_proj} both work);</li>
 *   <li>{@link Regex}: a single string is a regular expression that must match the WHOLE path
 *       (Python's {@code re.fullmatch});</li>
 *   <li>{@link AllLinear}: PEFT's {@code "all-linear"} shorthand, every projection except the
 *       output layer ({@code lm_head}).</li>
 * </ul>
 * Serializable so a fine-tuning method can travel to data-parallel replicas (lowrank4j-spark).
 */
public sealed interface TargetModules extends java.io.Serializable {
    /** PEFT's spelling of the all-linear shorthand. */
    String ALL_LINEAR = "all-linear";

    record Names(List<String> names) implements TargetModules {
        public Names {
            names = List.copyOf(names);
            if (names.isEmpty()) throw new Lowrank4jException("target_modules is an empty list; name at least one module");
            for (String n : names) {
                if (n.isBlank()) throw new Lowrank4jException("target_modules contains an empty name");
            }
        }
    }

    record Regex(String pattern) implements TargetModules {
    }

    record AllLinear() implements TargetModules {
    }

    static TargetModules names(String... names) {
        return new Names(List.of(names));
    }

    static TargetModules names(List<String> names) {
        return new Names(names);
    }

    static TargetModules regex(String pattern) {
        return new Regex(pattern);
    }

    /** A single PEFT string: {@code "all-linear"} or else a full-match regex, exactly as PEFT reads it. */
    static TargetModules fromString(String value) {
        return ALL_LINEAR.equals(value) ? new AllLinear() : new Regex(value);
    }
}
