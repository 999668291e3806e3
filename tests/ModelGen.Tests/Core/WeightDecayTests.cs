using System.Runtime.InteropServices;
using ModelGen.Tests.Models;
using ModelGen.TestModels;

namespace ModelGen.Tests.Core;

/// <summary>
/// AdamW's decoupled decay and SGD's coupled decay with Nesterov momentum against their update rules computed
/// independently in double; the decay mask built from a model's layers; and the bits the old paths keep.
/// </summary>
public sealed class WeightDecayTests
{
    [Fact]
    public void AdamW_shrinks_before_the_adam_step()
    {
        // PyTorch's AdamW: p ← p·(1 − lr·λ), then Adam's bias-corrected step (ε as this library's Adam).
        var adamW = new AdamW(0.01f, weightDecay: 0.1f);
        float[] p = [0.5f, -3f, 2f];
        double[] q = [0.5, -3, 2];
        double[] m = new double[3], v = new double[3];
        for (int t = 1; t <= 200; t++)
        {
            float[] g = [(float)(2 * p[0]), (float)(Math.Sin(p[1]) + 0.1), 0f];
            for (int i = 0; i < 3; i++)
            {
                q[i] *= 1 - 0.01 * 0.1;
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(0.9, t)), vHat = v[i] / (1 - Math.Pow(0.999, t));
                q[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-7);
            }
            adamW.Step(p, g);
            for (int i = 0; i < 3; i++) Assert.Equal(q[i], p[i], 1e-4);
        }
        // The parameter without gradient only decays: 2 · 0.999^200.
        Assert.Equal(2 * Math.Pow(0.999, 200), p[2], 1e-5);
    }

    [Fact]
    public void AdamW_defaults_are_pytorchs_decay_and_this_librarys_adam()
    {
        var adamW = new AdamW();
        Assert.Equal((1e-3f, 0.01f, 0.9f, 0.999f, 1e-7f), (adamW.LearningRate, adamW.WeightDecay, adamW.Beta1, adamW.Beta2, adamW.Epsilon));
        Assert.Null(adamW.DecayMask);
    }

    [Theory]
    [InlineData(37)]
    [InlineData(1000)]
    public void AdamW_without_decay_gives_adams_bits(int count)
    {
        float[] start = TestData.Uniform(count, 3), gradient = TestData.Uniform(count, 4);
        float[] a = (float[])start.Clone(), b = (float[])start.Clone();
        var adam = new Adam(0.01f);
        var adamW = new AdamW(0.01f, weightDecay: 0f);
        for (int step = 0; step < 5; step++)
        {
            adam.Step(a, gradient);
            adamW.Step(b, gradient);
        }
        Assert.True(MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan())));
    }

    [Fact]
    public void Sgd_weight_decay_and_nesterov_follow_pytorchs_recurrence()
    {
        // g' = g + λp; v = μv + g'; p −= lr·(g' + μv).
        var sgd = new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.05f, nesterov: true);
        float[] p = [1f, -0.5f];
        double[] q = [1, -0.5], v = new double[2];
        for (int step = 0; step < 60; step++)
        {
            float[] g = [2 * p[0], (float)Math.Cos(p[1])];
            for (int i = 0; i < 2; i++)
            {
                double d = g[i] + 0.05 * q[i];
                v[i] = 0.9 * v[i] + d;
                q[i] -= 0.1 * (d + 0.9 * v[i]);
            }
            sgd.Step(p, g);
            Assert.Equal(q[0], p[0], 1e-5);
            Assert.Equal(q[1], p[1], 1e-5);
        }
    }

    [Fact]
    public void Sgd_weight_decay_without_momentum_is_an_l2_term_in_the_gradient()
    {
        var sgd = new Sgd(0.1f, weightDecay: 0.5f);
        float[] p = [1f, -2f, 0f];
        sgd.Step(p, [0.5f, -1f, 0f]);
        Assert.Equal([1f - 0.1f * (0.5f + 0.5f * 1f), -2f - 0.1f * (-1f + 0.5f * -2f), 0f], p);
    }

    [Fact]
    public void Nesterov_without_momentum_and_bad_decays_are_refused_in_one_line()
    {
        var nesterov = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, nesterov: true));
        Assert.StartsWith("Nesterov momentum needs a momentum above 0.", nesterov.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(weightDecay: -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(weightDecay: float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(beta1: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd().Momentum = 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam().Beta1 = 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW().Beta1 = -0.5f);
    }

    [Fact]
    public void The_parameter_tensors_of_a_graph_model_tile_its_buffer()
    {
        var model = new TinyResNet(1);
        IReadOnlyList<ParameterTensor> tensors = ParameterTensor.Of(model);

        Assert.Equal(model.Parameters.Length, tensors.Sum(t => t.Length));
        Assert.Equal(new ParameterTensor("Stem", ParameterKind.Weights, 0, 3 * 3 * 2 * 4), tensors[0]);
        Assert.Equal(new ParameterTensor("Stem", ParameterKind.Biases, 72, 4), tensors[1]);
        Assert.Equal(new ParameterTensor("StemBn", ParameterKind.Scale, 76, 4), tensors[2]);
        Assert.Equal(new ParameterTensor("StemBn", ParameterKind.Shift, 80, 4), tensors[3]);
        Assert.Equal(ParameterKind.Biases, tensors[^1].Kind);
        Assert.Equal(model.Parameters.Length, tensors[^1].Offset + tensors[^1].Length);
        // Every BatchNormalization layer gives a scale and a shift of its channels.
        Assert.Equal(TinyResNet.Layers.OfType<BatchNormalizationLayerInfo>().Sum(l => 2 * l.Channels),
            tensors.Where(t => t.Kind is ParameterKind.Scale or ParameterKind.Shift).Sum(t => t.Length));
    }

    [Fact]
    public void Weights_only_masks_leave_biases_and_batch_normalization_alone()
    {
        var model = new InvertedResidual(3);
        DecayMask mask = DecayMask.WeightsOnly(model);
        IReadOnlyList<ParameterTensor> tensors = ParameterTensor.Of(model);
        Assert.Equal(model.Parameters.Length, mask.ParameterCount);
        Assert.Equal(tensors.Where(t => t.Kind == ParameterKind.Weights).Sum(t => t.Length), mask.DecayedCount);

        // With zero gradients, AdamW's step is the decay alone: weights shrink by 1 − lr·λ, the rest stay to the bit.
        float[] p = TestData.Uniform(model.Parameters.Length, 5), before = (float[])p.Clone();
        new AdamW(0.1f, weightDecay: 0.5f) { DecayMask = mask }.Step(p, new float[p.Length]);
        float keep = (float)(1 - 0.1f * (double)0.5f);
        foreach (ParameterTensor tensor in tensors)
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
                Assert.Equal(tensor.Kind == ParameterKind.Weights ? before[i] * keep : before[i], p[i]);

        // SGD's coupled decay: p − lr·λ·p on the weights only.
        float[] s = (float[])before.Clone();
        new Sgd(0.1f, weightDecay: 0.5f) { DecayMask = mask }.Step(s, new float[s.Length]);
        foreach (ParameterTensor tensor in tensors)
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
                Assert.Equal(tensor.Kind == ParameterKind.Weights ? before[i] - 0.1f * (0.5f * before[i]) : before[i], s[i]);
    }

    [Fact]
    public void A_mask_can_pick_layers_and_refuses_a_model_of_another_size()
    {
        var model = new MnistMlp(1);
        DecayMask hiddenOnly = DecayMask.Where(model, t => t.Layer == "Hidden");
        Assert.Equal(784 * 128 + 128, hiddenOnly.DecayedCount);

        var error = Assert.Throws<InvalidOperationException>(() => new AdamW { DecayMask = hiddenOnly }.Step(new float[10], new float[10]));
        Assert.Equal($"This decay mask was built for {model.Parameters.Length} parameters and cannot step a model with 10; build it from the model being trained.", error.Message);

        DecayMask ranges = DecayMask.FromRanges(10, [(6, 2), (0, 3), (2, 2), (9, 0)]);
        Assert.Equal(6, ranges.DecayedCount); // [0, 4) and [6, 8)
        Assert.Throws<ArgumentException>(() => DecayMask.FromRanges(10, [(8, 3)]));
    }

    [Fact]
    public void Decay_over_a_million_parameters_gives_the_same_bits_on_every_core()
    {
        // From 2²⁰ parameters the fused updates split across the cores; the decayed ranges cross the chunks' edges.
        const int count = (1 << 20) + 13;
        float[] start = TestData.Uniform(count, 51), gradient = TestData.Uniform(count, 52);
        var mask = DecayMask.FromRanges(count, [(5, 300_001), (400_000, 17), (400_100, 600_000), (count - 3, 3)]);
        float[] Run(Optimizer optimizer)
        {
            float[] p = (float[])start.Clone();
            for (int step = 0; step < 3; step++) optimizer.Step(p, gradient);
            return p;
        }
        Optimizer[] Optimizers() =>
        [
            new AdamW(0.01f, weightDecay: 0.1f) { DecayMask = mask },
            new Sgd(0.01f, momentum: 0.9f, weightDecay: 0.1f, nesterov: true) { DecayMask = mask },
        ];
        float[][] parallel = Optimizers().Select(Run).ToArray();
        float[][] serial;
        Kernels.AllowParallel = false;
        try { serial = Optimizers().Select(Run).ToArray(); }
        finally { Kernels.AllowParallel = true; }
        for (int k = 0; k < parallel.Length; k++)
        {
            Assert.True(MemoryMarshal.AsBytes(serial[k].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(parallel[k].AsSpan())), $"optimizer {k} differs between one core and every core");
            Assert.NotEqual(start, parallel[k]);
        }
    }

    // SGD's velocity is private; reading it is the only way to see that none is ever subnormal.
    private static float[] Velocity(Sgd sgd) =>
        (float[])typeof(Sgd).GetField("_velocity", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(sgd)!;

    [Fact]
    public void A_nesterov_velocity_that_decays_becomes_zero_without_passing_through_subnormals()
    {
        var sgd = new Sgd(1e-3f, momentum: 0.9f, nesterov: true);
        float[] p = new float[20], g = Enumerable.Repeat(1f, 20).ToArray(), zero = new float[20];
        sgd.Step(p, g);
        for (int step = 2; step <= 1_000; step++)
        {
            sgd.Step(p, zero);
            Assert.DoesNotContain(Velocity(sgd), float.IsSubnormal);
        }
        Assert.All(Velocity(sgd), x => Assert.Equal(0f, x));
    }
}
