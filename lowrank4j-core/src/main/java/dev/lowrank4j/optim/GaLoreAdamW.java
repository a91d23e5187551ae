package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.MemoryCategory;
import dev.lowrank4j.tensor.Reserved;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GaLore's AdamW (galore_torch/adamw.py) and, as a mode, Fira's (optimizer_torch/fira_adamw.py).
 * Projected weights: R = project(G) (the projector refreshes at their steps 0, T, 2T, …), Adam
 * on R with moments in R's shape that carry across refreshes, W −= step·α·back(N) [+ Fira's
 * residual]. Regular parameters: the same AdamW without projection. Weight decay is decoupled,
 * uses the un-corrected lr and comes after the update, for every parameter, as in the reference.
 *
 * <p>Every gradient is checked before anything changes, so a NaN/Inf step leaves all weights and
 * state untouched. All state, per-parameter step counters and projector matrices included, goes
 * through {@link #state()}, so a resumed run continues bit for bit.
 */
public final class GaLoreAdamW implements Optimizer {
    static final String M_KEY = "exp_avg.", V_KEY = "exp_avg_sq.", LEFT_KEY = "galore_left.", RIGHT_KEY = "galore_right.",
            STEP_KEY = "step.", FIRA_NORM_KEY = "fira_prev_norm.";

    private final GaLoreOptions options;
    private final FiraOptions fira;
    private final ProjectedRule projectedRule;
    private final AdamRule regularRule;
    private final List<ParameterState> projected = new ArrayList<>(), regular = new ArrayList<>();
    /** Parameters split into one group per thread, balanced by size; each group has its own scratch. */
    private final List<List<ParameterState>> groups;
    private final float[][] updateScratch, residualScratch;
    private long steps;
    /** Null in one process; set for data-parallel replicas that average R instead of G. */
    private LowRankReducer reducer;

    /** Plain GaLore. */
    public static GaLoreAdamW galore(List<Parameter> projected, List<Parameter> regular, GaLoreOptions options) {
        return new GaLoreAdamW(projected, regular, options, null, defaultRule(options, null));
    }

    /** Fira: GaLore plus the scaled, limited residual. */
    public static GaLoreAdamW fira(List<Parameter> projected, List<Parameter> regular, GaLoreOptions options,
                                   FiraOptions firaOptions) {
        return new GaLoreAdamW(projected, regular, options, firaOptions, defaultRule(options, firaOptions));
    }

    /** GaLore's reference Adam; Fira's paper form wants the bias-corrected direction m̂/(√v̂+ε) instead. */
    private static ProjectedRule defaultRule(GaLoreOptions o, FiraOptions f) {
        boolean paper = f != null && f.form() == FiraOptions.Form.PAPER;
        return new AdamRule(o.beta1(), o.beta2(), o.eps(), paper ? AdamRule.Form.TORCH : AdamRule.Form.GALORE)::direction;
    }

    /** The seam for tests: {@code projectedRule} replaces Adam on the projected gradients. */
    GaLoreAdamW(List<Parameter> projectedParams, List<Parameter> regularParams, GaLoreOptions options,
                FiraOptions fira, ProjectedRule projectedRule) {
        this.options = options;
        this.fira = fira;
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : projectedParams) {
            if (!seen.add(p)) throw new Lowrank4jException(p.name() + " is listed twice for GaLore");
            requireProjectable(p);
            int rows = p.value().dim(0), cols = p.value().dim(1);
            GaLoreProjector proj = new GaLoreProjector(p.name(), rows, cols, options.rank(), options.updateGap(),
                    options.scale(), options.type(), options.svd());
            if (fira != null && proj.side() == ProjectionSide.BOTH && fira.scaling() == FiraOptions.Scaling.COLUMN) {
                throw new Lowrank4jException("Fira's column-wise scaling needs a one-sided projection, but "
                        + p.name() + " uses '" + options.type().key + "'; use matrix scaling or another projection type");
            }
            projected.add(new ParameterState(p, proj, fira == null ? null : new FiraResidual(fira)));
        }
        for (Parameter p : regularParams) {
            if (!p.trainable() || !seen.add(p)) continue;
            regular.add(new ParameterState(p, null, null));
        }
        this.projectedRule = projectedRule;
        this.regularRule = new AdamRule(options.beta1(), options.beta2(), options.eps(), AdamRule.Form.GALORE);
        checkUniqueNames();
        this.groups = balancedGroups(all(), Math.max(1, dev.lowrank4j.kernels.Parallel.threads()));
        this.updateScratch = new float[groups.size()][];
        this.residualScratch = new float[groups.size()][];
        for (int gi = 0; gi < groups.size(); gi++) {
            int big = groups.get(gi).stream().mapToInt(st -> st.param.numel()).max().orElse(0);
            updateScratch[gi] = new float[big];
            residualScratch[gi] = fira == null ? new float[0] : new float[big];
        }
    }

    private static void requireProjectable(Parameter p) {
        if (p.value().rank() != 2) {
            throw new Lowrank4jException(p.name() + " has shape " + java.util.Arrays.toString(p.value().shape())
                    + "; GaLore projects matrices only");
        }
        if (!p.trainable()) throw new Lowrank4jException(p.name() + " is frozen and cannot be optimized by GaLore");
    }

    private void checkUniqueNames() {
        Set<String> names = new HashSet<>();
        for (ParameterState s : all()) {
            if (!names.add(s.name())) throw new Lowrank4jException("two parameters are named " + s.name());
        }
    }

    private List<ParameterState> all() {
        List<ParameterState> a = new ArrayList<>(projected);
        a.addAll(regular);
        return a;
    }

    /**
     * Data-parallel replicas: from now on each step averages the projected gradients of
     * {@link #reducedInProjection()} with {@code r} instead of needing their full gradients
     * averaged. Refused under Fira, whose residual G − P·R needs the full averaged G.
     */
    public void lowRankReducer(LowRankReducer r) {
        if (r != null && fira != null) {
            throw new Lowrank4jException("Fira's residual needs the full gradient; exchange full gradients instead of projected ones");
        }
        this.reducer = r;
    }

    /**
     * With a reducer: the projected weights whose next step keeps its basis, whose full gradients
     * therefore need no exchange (their R is averaged inside {@link #step}). Weights whose
     * projector refreshes at the next step need the averaged full G, so every replica computes the
     * same P. Empty without a reducer.
     */
    public List<Parameter> reducedInProjection() {
        return reducer == null ? List.of() : keepingBasis().stream().map(s -> s.param).toList();
    }

    private List<ParameterState> keepingBasis() {
        return projected.stream().filter(s -> !s.projector.needsRefresh(s.step())).toList();
    }

    @Override
    public void step(double lr) {
        checkGradients();
        Map<ParameterState, float[]> averagedLow = averageProjected();
        refreshDueProjectors();
        // every weight's update is independent of the others, so groups run in parallel
        Parallel.forEachTask(groups.size(), gi -> {
            for (ParameterState s : groups.get(gi)) {
                if (s.projector != null) updateProjected(s, lr, updateScratch[gi], residualScratch[gi], averagedLow.get(s));
                else updateRegular(s, lr, updateScratch[gi]);
            }
        });
        steps++;
    }

    /** R = project(G) of the weights keeping their basis, averaged over the replicas; empty without a reducer. */
    private Map<ParameterState, float[]> averageProjected() {
        if (reducer == null) return Map.of();
        List<ParameterState> keep = keepingBasis();
        float[][] low = new float[keep.size()][];
        Parallel.forEachTask(keep.size(), i -> low[i] = keep.get(i).projector.project(keep.get(i).param.grad().data));
        reducer.meanInPlace(java.util.Arrays.asList(low));
        Map<ParameterState, float[]> out = new IdentityHashMap<>();
        for (int i = 0; i < low.length; i++) out.put(keep.get(i), low[i]);
        return out;
    }

    /** All gradients first: a bad one must not leave half the model updated. */
    private void checkGradients() {
        for (ParameterState s : all()) {
            Tensor g = s.param.grad();
            if (g == null) throw new Lowrank4jException(s.name() + " has no gradient (was it frozen after the optimizer was built?)");
            float[] d = g.data;
            for (int i = 0; i < d.length; i++) {
                if (!Float.isFinite(d[i])) {
                    throw new Lowrank4jException("the gradient of " + s.name() + " contains " + d[i] + " at element " + i
                            + "; no parameter was updated in this step");
                }
            }
        }
    }

    /** Refreshes run in parallel across weights: each is a chain of small dependent products. */
    private void refreshDueProjectors() {
        List<ParameterState> due = new ArrayList<>();
        for (ParameterState s : projected) {
            if (s.projector.needsRefresh(s.step())) due.add(s);
        }
        Parallel.forEachTask(due.size(), i -> {
            ParameterState s = due.get(i);
            s.projector.refresh(s.param.grad().data, refreshSeed(s, s.step()));
        });
    }

    /** A fixed function of (seed, parameter, step), so a resumed run draws the same test matrices. */
    private long refreshSeed(ParameterState s, long step) {
        long nameHash = s.name().hashCode();
        return new Rng(options.seed() ^ (nameHash * 0x9E3779B97F4A7C15L) ^ (step * 0xC2B2AE3D27D4EB4FL)).nextLong();
    }

    /** Greedy longest-first split into at most {@code n} groups of similar total size (fixed for a model). */
    private static List<List<ParameterState>> balancedGroups(List<ParameterState> states, int n) {
        List<List<ParameterState>> out = new ArrayList<>();
        long[] load = new long[n];
        for (int i = 0; i < n; i++) out.add(new ArrayList<>());
        List<ParameterState> bySize = new ArrayList<>(states);
        bySize.sort((a, b) -> Integer.compare(b.param.numel(), a.param.numel()));
        for (ParameterState s : bySize) {
            int best = 0;
            for (int i = 1; i < n; i++) if (load[i] < load[best]) best = i;
            out.get(best).add(s);
            load[best] += s.param.numel();
        }
        out.removeIf(List::isEmpty);
        return out;
    }

    /** {@code averagedLow}: R already averaged over replicas, or null to project this replica's G. */
    private void updateProjected(ParameterState s, double lr, float[] updateScratch, float[] residualScratch,
                                 float[] averagedLow) {
        float[] g = s.param.grad().data;
        float[] low = averagedLow != null ? averagedLow : s.projector.project(g);
        float[] dir = new float[low.length];
        double stepSize = projectedRule.direction(low, s.adam, dir, lr);
        s.projector.projectBack(dir, updateScratch);
        if (s.fira != null) s.fira.addTo(updateScratch, g, low, dir, s.projector, residualScratch);
        apply(s.param.data(), updateScratch, stepSize, lr);
    }

    private void updateRegular(ParameterState s, double lr, float[] updateScratch) {
        double stepSize = regularRule.direction(s.param.grad().data, s.adam, updateScratch, lr);
        apply(s.param.data(), updateScratch, stepSize, lr);
    }

    /** p.add_(update, alpha=−step_size); then p.add_(p, alpha=−lr·wd) when wd > 0. */
    private void apply(float[] w, float[] update, double stepSize, double lr) {
        float negStep = (float) -stepSize;
        for (int i = 0; i < w.length; i++) w[i] += negStep * update[i];
        if (options.weightDecay() > 0) {
            float decay = (float) (-lr * options.weightDecay());
            for (int i = 0; i < w.length; i++) w[i] += decay * w[i];
        }
    }

    @Override
    public long steps() {
        return steps;
    }

    /** Live views of the state (valid until the next step), under stable names. */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ParameterState s : all()) {
            out.put(M_KEY + s.name(), s.adam.m);
            out.put(V_KEY + s.name(), s.adam.v);
            out.put(STEP_KEY + s.name(), StepCounter.encode(s.step()));
            GaLoreProjector p = s.projector;
            if (p != null && p.left() != null) out.put(LEFT_KEY + s.name(), new Tensor(p.left(), p.rows(), p.rank()));
            if (p != null && p.right() != null) out.put(RIGHT_KEY + s.name(), new Tensor(p.right(), p.rank(), p.cols()));
            if (s.fira != null && s.fira.hasPreviousNorm()) {
                out.put(FIRA_NORM_KEY + s.name(), new Tensor(new float[] {s.fira.previousNorm()}, 1));
            }
        }
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state, long loadedSteps) {
        Set<String> unused = new HashSet<>(state.keySet());
        for (ParameterState s : all()) {
            copyInto(state, unused, M_KEY + s.name(), s.adam.m.data);
            copyInto(state, unused, V_KEY + s.name(), s.adam.v.data);
            Tensor counter = take(state, unused, STEP_KEY + s.name());
            s.adam.step = counter == null ? loadedSteps : StepCounter.decode(counter, STEP_KEY + s.name());
            if (s.projector != null) loadProjector(s, state, unused);
            if (s.fira != null) {
                Tensor norm = take(state, unused, FIRA_NORM_KEY + s.name());
                if (norm != null && norm.size() != 1) {
                    throw new Lowrank4jException("optimizer state '" + FIRA_NORM_KEY + s.name() + "' must hold one value");
                }
                s.fira.restorePreviousNorm(norm == null ? Float.NaN : norm.data[0]);
            }
        }
        if (!unused.isEmpty()) {
            throw new Lowrank4jException("optimizer state has entries this optimizer does not know (checkpoint from another "
                    + "model or method?): " + unused.stream().sorted().limit(5).toList());
        }
        this.steps = loadedSteps;
    }

    private void loadProjector(ParameterState s, Map<String, Tensor> state, Set<String> unused) {
        Tensor left = take(state, unused, LEFT_KEY + s.name()), right = take(state, unused, RIGHT_KEY + s.name());
        if (left == null && right == null && s.step() == 0) return; // saved before the first refresh
        s.projector.restore(left == null ? null : left.data, right == null ? null : right.data);
    }

    private static Tensor take(Map<String, Tensor> state, Set<String> unused, String key) {
        unused.remove(key);
        return state.get(key);
    }

    private static void copyInto(Map<String, Tensor> state, Set<String> unused, String key, float[] dst) {
        Tensor src = take(state, unused, key);
        if (src == null) throw new Lowrank4jException("optimizer state has no '" + key + "' (checkpoint from another model or method?)");
        if (src.size() != dst.length) {
            throw new Lowrank4jException("optimizer state '" + key + "' has " + src.size() + " values, expected " + dst.length);
        }
        System.arraycopy(src.data, 0, dst, 0, dst.length);
    }

    /**
     * Resets Adam's moments and step count of these parameters; for projected weights the
     * projector is refreshed again at their next step (a zero count is "never updated").
     */
    @Override
    public void resetState(Collection<Parameter> which) {
        Set<Parameter> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(which);
        for (ParameterState s : all()) if (set.contains(s.param)) s.adam.reset();
    }

    /**
     * Moments (optimizer states), projector matrices (buffers, counted at their full size even
     * before the first refresh) and Fira's stored norm: the quantities of the papers' memory
     * formulas. Step counters are not counted.
     */
    @Override
    public Collection<? extends Accounted> memory() {
        List<Accounted> out = new ArrayList<>();
        for (ParameterState s : all()) {
            out.add(s.adam.m);
            out.add(s.adam.v);
            if (s.projector != null) out.add(new Reserved(4 * s.projector.basisElements(), MemoryCategory.BUFFERS));
            if (s.fira != null && fira.limiter()) out.add(new Reserved(4, MemoryCategory.OPTIMIZER_STATES));
        }
        return out;
    }

    /** The projected parameters' names, in update order. */
    public List<String> projectedNames() {
        return projected.stream().map(ParameterState::name).toList();
    }

    /** The projector of a projected parameter (for inspection and reports). */
    public GaLoreProjector projector(String name) {
        for (ParameterState s : projected) {
            if (s.name().equals(name)) return s.projector;
        }
        throw new Lowrank4jException(name + " is not projected by this optimizer; projected: " + projectedNames());
    }

    public GaLoreOptions options() {
        return options;
    }

    /** Null for plain GaLore. */
    public FiraOptions firaOptions() {
        return fira;
    }
}
