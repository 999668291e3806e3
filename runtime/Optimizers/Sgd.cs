using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, weight decay and Nesterov momentum, in PyTorch's form
/// (<c>torch.optim.SGD</c> with dampening 0): g ← g + λ·p (weight decay, an L2 term coupled to the gradient);
/// v ← μ·v + g; p ← p − lr·v, or with Nesterov momentum p ← p − lr·(g + μ·v); without momentum p ← p − lr·g.
/// For a constant learning rate and no decay this is the same trajectory as Keras' v ← μ·v − lr·g; p ← p + v.
/// </summary>
/// <remarks>
/// Each product is rounded before its sum (a multiply, then an add, never fused), so the update is
/// bit-identical on every vector path, with or without FMA hardware. Without weight decay and Nesterov momentum
/// the update is the two element-wise passes it always was; with either, it is one pass over the parameters,
/// gradients and velocity, split across the cores from a million parameters, and a velocity below 2⁻¹⁰⁰ is stored
/// as zero (as Adam's moments are) so that the velocity of a parameter whose gradient stays 0 never decays into
/// the subnormal range, where x64 CPUs are about a hundred times slower.
/// </remarks>
public sealed unsafe class Sgd : Optimizer, IMomentumOptimizer
{
    /// <summary>Parameter counts from which the fused update uses every core (see Adam's).</summary>
    private const int ParallelThreshold = 1 << 20;

    /// <summary>Velocities below this (2⁻¹⁰⁰) are stored as zero.</summary>
    private const float VelocityFloor = 7.88860905e-31f;

    private float[]? _velocity;
    private float _momentum;

    /// <summary>SGD with the given step size, momentum, weight decay and Nesterov switch.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="momentum">The momentum μ, in [0, 1); 0 for none.</param>
    /// <param name="weightDecay">λ, the L2 term added to the gradient (PyTorch's <c>weight_decay</c>); 0 or more and finite.</param>
    /// <param name="nesterov">Nesterov momentum, PyTorch's form p ← p − lr·(g + μ·v); needs a momentum above 0, as in PyTorch.</param>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, float weightDecay = 0f, bool nesterov = false) : base(learningRate)
    {
        _momentum = CheckMomentum(momentum, nameof(momentum));
        WeightDecay = weightDecay >= 0f && float.IsFinite(weightDecay) ? weightDecay
            : throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be 0 or a positive, finite number.");
        if (nesterov && momentum == 0f) throw new ArgumentException("Nesterov momentum needs a momentum above 0.", nameof(nesterov));
        Nesterov = nesterov;
    }

    /// <summary>The momentum μ in [0, 1); a schedule that cycles momentum sets it before each step.</summary>
    public float Momentum
    {
        get => _momentum;
        set => _momentum = CheckMomentum(value, nameof(Momentum));
    }

    /// <summary>λ, the L2 weight decay added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the step follows g + μ·v (Nesterov) rather than v.</summary>
    public bool Nesterov { get; }

    /// <summary>
    /// Which parameters decay; null (the default): all of them, as PyTorch's SGD on a model's <c>parameters()</c>.
    /// <see cref="DecayMask.WeightsOnly"/> leaves out biases and BatchNormalization's scale and shift.
    /// </summary>
    public DecayMask? DecayMask { get; init; }

    private static readonly string[] s_stateNames = ["momentum_buffer"];

    /// <inheritdoc />
    protected internal override IReadOnlyList<string> StateNames => s_stateNames;

    /// <inheritdoc />
    protected internal override ref float[]? StateBuffer(string name)
    {
        if (name == "momentum_buffer") return ref _velocity;
        return ref base.StateBuffer(name);
    }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long stepNumber)
    {
        ReadOnlySpan<float> g = gradients.Slice(0, parameters.Length);
        if (WeightDecay != 0f || Nesterov)
        {
            FusedUpdate(parameters, g);
            return;
        }
        if (Momentum != 0f)
        {
            // v ← μ·v + g, then the step follows v instead of g.
            Span<float> v = State(ref _velocity, parameters.Length);
            ElementWise.Map<MomentumStep>(g, v, Momentum);
            g = v;
        }
        // p ← p − lr·g.
        ElementWise.Map<DescentStep>(g, parameters, LearningRate);
    }

    private static float CheckMomentum(float momentum, string name) => momentum >= 0f && momentum < 1f
        ? momentum
        : throw new ArgumentOutOfRangeException(name, momentum, "Momentum must be in [0, 1).");

    // d = v: v ← s·v + y (y = g, s = μ).
    private struct MomentumStep : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.Add(TOps.Multiply(s, d), y);
    }

    // d = p: p ← p − s·y (y = g or v, s = lr).
    private struct DescentStep : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.Subtract(d, TOps.Multiply(s, y));
    }

    // Weight decay or Nesterov: one pass, PyTorch's order of operations.
    private void FusedUpdate(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        DecayMask?.CheckFits(parameters.Length);
        bool momentum = Momentum != 0f;
        float[]? velocity = momentum ? State(ref _velocity, parameters.Length) : null;
        Span<int> everything = stackalloc int[] { 0, parameters.Length };
        ReadOnlySpan<int> decayed = WeightDecay == 0f ? default : DecayMask is null ? everything : DecayMask.Edges;
        fixed (float* p = parameters, g = gradients, v = velocity)
        fixed (int* edges = decayed)
        {
            var args = new KernelArgs
            {
                A = p, B = g, C = v, Length = parameters.Length,
                S0 = LearningRate, S1 = Momentum, S2 = WeightDecay, S3 = Nesterov ? 1f : 0f,
                Edges = edges, EdgeCount = decayed.Length,
            };
            WorkerPool.Run(&UpdatePart, ref args, Kernels.AllowParallel && parameters.Length >= ParallelThreshold);
        }
    }

    private static void UpdatePart(ref KernelArgs a, int chunk, int chunks)
    {
        if (Vector512.IsHardwareAccelerated) UpdatePart<Ops512, Vector512<float>>(ref a, chunk, chunks);
        else if (Vector256.IsHardwareAccelerated) UpdatePart<Ops256, Vector256<float>>(ref a, chunk, chunks);
        else if (Vector128.IsHardwareAccelerated) UpdatePart<Ops128, Vector128<float>>(ref a, chunk, chunks);
        else UpdatePart<OpsScalar, float>(ref a, chunk, chunks);
    }

    // Each part updates its own aligned block; the decayed ranges that meet it, and the gaps between them.
    private static void UpdatePart<TOps, TVec>(ref KernelArgs a, int chunk, int chunks)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        var (first, end) = WorkerPool.Range(a.Length, chunk, chunks, align: 16);
        int i = first;
        for (int k = 0; k + 1 < a.EdgeCount && i < end; k += 2)
        {
            int start = Math.Clamp(a.Edges[k], i, end), stop = Math.Clamp(a.Edges[k + 1], i, end);
            Run<TOps, TVec>(ref a, i, start, decay: false);
            Run<TOps, TVec>(ref a, start, stop, decay: true);
            i = stop;
        }
        Run<TOps, TVec>(ref a, i, end, decay: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<TOps, TVec>(ref KernelArgs a, int first, int end, bool decay)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        if (a.C == null) Run<TOps, TVec>(ref a, first, end, decay, momentum: false, nesterov: false);
        else if (a.S3 != 0f) Run<TOps, TVec>(ref a, first, end, decay, momentum: true, nesterov: true);
        else Run<TOps, TVec>(ref a, first, end, decay, momentum: true, nesterov: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<TOps, TVec>(ref KernelArgs a, int first, int end, bool decay, bool momentum, bool nesterov)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        float* p = a.A, g = a.B, v = a.C;
        int i = first, lanes = TOps.Count;
        // The same operations in the same order on vectors and on the last few floats.
        TVec lr = TOps.Broadcast(a.S0), mu = TOps.Broadcast(a.S1), wd = TOps.Broadcast(decay ? a.S2 : 0f);
        for (; i <= end - lanes; i += lanes)
            Step<TOps, TVec>(p + i, g + i, v + i, lr, mu, wd, decay, momentum, nesterov);
        for (; i < end; i++)
            Step<OpsScalar, float>(p + i, g + i, v + i, a.S0, a.S1, decay ? a.S2 : 0f, decay, momentum, nesterov);
    }

    // g' ← g + λ·p (decayed ranges); v ← μ·v + g'; d ← nesterov ? g' + μ·v : v (g' without momentum); p ← p − lr·d.
    // PyTorch's SGD step for one parameter, each product rounded before its sum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TOps, TVec>(float* p, float* g, float* v, TVec lr, TVec mu, TVec wd, bool decay, bool momentum, bool nesterov)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TVec pi = TOps.Load(p);
        TVec d = TOps.Load(g);
        if (decay) d = TOps.Add(d, TOps.Multiply(wd, pi));
        if (momentum)
        {
            TVec vi = TOps.ZeroBelow(TOps.Add(TOps.Multiply(mu, TOps.Load(v)), d), TOps.Broadcast(VelocityFloor));
            TOps.Store(vi, v);
            d = nesterov ? TOps.Add(d, TOps.Multiply(mu, vi)) : vi;
        }
        TOps.Store(TOps.Subtract(pi, TOps.Multiply(lr, d)), p);
    }
}
