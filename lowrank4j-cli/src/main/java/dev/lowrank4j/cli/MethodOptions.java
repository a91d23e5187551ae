package dev.lowrank4j.cli;

import dev.lowrank4j.tasks.PretrainMethod;
import picocli.CommandLine.Model.CommandSpec;

/** Which pretraining options belong to which --method (shared by pretrain, compare and bench step). */
final class MethodOptions {
    private MethodOptions() {}

    static void check(CommandSpec spec, PretrainMethod.Kind kind, String context) {
        boolean projected = kind == PretrainMethod.Kind.GALORE || kind == PretrainMethod.Kind.FIRA;
        Applicability.onlyWhen(spec, kind != PretrainMethod.Kind.FULL, context, "it sets the rank of lora, galore and fira", "--rank");
        Applicability.onlyWhen(spec, projected, context, "galore and fira only", "--update-gap", "--scale", "--proj-type", "--svd");
        Applicability.onlyWhen(spec, kind == PretrainMethod.Kind.LORA, context, "lora only", "--lora-alpha");
    }
}
