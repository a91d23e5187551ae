package dev.lowrank4j.cli;

import dev.lowrank4j.tasks.PretrainMethod;
import picocli.CommandLine.Model.CommandSpec;

/** Which pretraining options belong to which --method (shared by pretrain, compare and bench step). */
final class MethodOptions {
    private MethodOptions() {}

    static void check(CommandSpec spec, PretrainMethod.Kind kind, String context) {
        boolean projected = kind == PretrainMethod.Kind.GALORE || kind == PretrainMethod.Kind.FIRA;
        boolean loqt = kind == PretrainMethod.Kind.LOQT || kind == PretrainMethod.Kind.LOQT_NQ;
        Applicability.onlyWhen(spec, kind != PretrainMethod.Kind.FULL, context, "it sets the rank of lora, galore, fira and loqt", "--rank");
        Applicability.onlyWhen(spec, projected || loqt, context, "galore, fira and loqt only", "--update-gap", "--svd");
        Applicability.onlyWhen(spec, projected, context, "galore and fira only", "--scale", "--proj-type");
        Applicability.onlyWhen(spec, kind == PretrainMethod.Kind.LORA || loqt, context, "lora and loqt only", "--lora-alpha");
        Applicability.onlyWhen(spec, loqt, context, "loqt and loqt-nq only", "--increment", "--reset-adapter-state");
        Applicability.onlyWhen(spec, kind == PretrainMethod.Kind.LOQT, context, "loqt only: loqt-nq quantizes nothing",
                "--compensation-iters", "--quantize-projection");
    }
}
