using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>
/// Issue 19: gradient clipping by global norm (<see cref="Optimizer.ClipGradientNorm"/>) and label smoothing
/// (<see cref="Losses.SparseCategoricalCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, int, float)"/>,
/// <see cref="Losses.SoftmaxCrossEntropyGradient"/>) against values worked out by hand.
/// </summary>
public sealed class ClippingAndSmoothingTests
{
    [Fact]
    public void A_gradient_longer_than_the_max_norm_is_scaled_to_it()
    {
        // g = (3, 4): |g| = 5; max_norm 1 gives scale 1 / (5 + 1e-6), so plain SGD with lr 1 moves p by −(0.6, 0.8).
        float[] p = [0f, 0f], g = [3f, 4f];
        var sgd = new Sgd(1f) { ClipGradientNorm = 1f };
        sgd.Step(p, g);
        float scale = 1f / (5f + 1e-6f);
        Assert.Equal(5f, sgd.LastGradientNorm);
        Assert.Equal(-3f * scale, p[0]);
        Assert.Equal(-4f * scale, p[1]);
        Assert.Equal(-0.6f, p[0], 6);
        Assert.Equal(-0.8f, p[1], 6);
        Assert.Equal([3f, 4f], g); // the caller's gradients are left alone
    }

    [Fact]
    public void A_gradient_within_the_max_norm_is_left_alone()
    {
        // |(3, 4)| = 5 < 10: the step is the unclipped one, bit for bit.
        float[] clipped = [1f, 2f], plain = [1f, 2f], g = [3f, 4f];
        new Sgd(0.1f) { ClipGradientNorm = 10f }.Step(clipped, g);
        new Sgd(0.1f).Step(plain, g);
        Assert.Equal(plain, clipped);
    }

    [Fact]
    public void The_global_norm_covers_every_gradient()
    {
        // 1² + 2² + 2² + 4² + 10² = 125, over lengths that are not a multiple of four.
        Assert.Equal(MathF.Sqrt(125f), Optimizer.GradientNorm([1f, -2f, 2f, 4f, -10f]));
        Assert.Equal(0f, Optimizer.GradientNorm([]));
        // Clipping works for Adam too: Adam is scale-invariant at its first step except for ε, so compare with a
        // pre-scaled gradient instead.
        float[] g = [30f, 40f, 0f], scaled = new float[3];
        float scale = 5f / (50f + 1e-6f);
        for (int i = 0; i < 3; i++) scaled[i] = g[i] * scale;
        float[] a = [1f, 1f, 1f], b = [1f, 1f, 1f];
        var clippedAdam = new Adam(0.1f) { ClipGradientNorm = 5f };
        var adam = new Adam(0.1f);
        for (int step = 0; step < 3; step++) { clippedAdam.Step(a, g); adam.Step(b, scaled); }
        Assert.Equal(b, a);
    }

    [Fact]
    public void Clip_norms_must_be_positive_and_finite()
    {
        var sgd = new Sgd();
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.ClipGradientNorm = 0f);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.ClipGradientNorm = -1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.ClipGradientNorm = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.ClipGradientNorm = float.PositiveInfinity);
        sgd.ClipGradientNorm = null;
        Assert.Null(sgd.ClipGradientNorm);
    }

    // Logits (1, 2, 3) with label 0, ε = 0.3, K = 3: logsumexp = 3 + ln(e⁻² + e⁻¹ + 1) = 3.40760596444438;
    // nll = lse − 1 = 2.40760596444438; the uniform term = lse − mean(z) = lse − 2 = 1.40760596444438;
    // loss = 0.7 · 2.40760596444438 + 0.3 · 1.40760596444438 = 2.10760596444438.
    private const double LogSumExp = 3.40760596444438;

    [Fact]
    public void The_smoothed_loss_of_three_classes_matches_the_hand_computed_value()
    {
        float[] z = [1f, 2f, 3f];
        Assert.Equal(0.7 * (LogSumExp - 1) + 0.3 * (LogSumExp - 2), Losses.SparseCategoricalCrossEntropy(z, [0], 3, 0.3f), 6);
        Assert.Equal(2.10760596444438, Losses.SparseCategoricalCrossEntropy(z, [0], 3, 0.3f), 6);
        // Two rows: the mean. Label 2 of the same logits: 0.7 · 0.40760596 + 0.3 · 1.40760596 = 0.70760596.
        Assert.Equal((2.10760596444438 + 0.70760596444438) / 2, Losses.SparseCategoricalCrossEntropy([1f, 2f, 3f, 1f, 2f, 3f], [0, 2], 3, 0.3f), 6);
        // ε = 0 is the plain loss, bit for bit.
        Assert.Equal(Losses.SparseCategoricalCrossEntropy(z, [1], 3), Losses.SparseCategoricalCrossEntropy(z, [1], 3, 0f));
    }

    [Fact]
    public void The_smoothed_gradient_is_p_minus_the_smoothed_target()
    {
        // p = softmax(1, 2, 3) = (0.09003057, 0.24472847, 0.66524096); t = (0.7 + 0.1, 0.1, 0.1); batch of 2 (both rows alike).
        float[] p = [0.09003057f, 0.24472847f, 0.66524096f, 0.09003057f, 0.24472847f, 0.66524096f], dz = new float[6];
        Losses.SoftmaxCrossEntropyGradient(p, [0, 0], dz, 3, 0.3f);
        double[] expected = [(0.09003057 - 0.8) / 2, (0.24472847 - 0.1) / 2, (0.66524096 - 0.1) / 2];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i % 3], dz[i], 6);
        Assert.Equal(0.0, dz.Sum(), 6); // the gradient of each row still sums to zero

        // ε = 0: p/B at every class, 1/B off at the label.
        Losses.SoftmaxCrossEntropyGradient(p, [2, 1], dz, 3);
        Assert.Equal([p[0] * 0.5f, p[1] * 0.5f, p[2] * 0.5f - 0.5f, p[3] * 0.5f, p[4] * 0.5f - 0.5f, p[5] * 0.5f], dz);
    }

    [Fact]
    public void The_generated_model_gives_the_smoothed_loss_and_its_finite_difference_gradient()
    {
        var model = new MnistMlp(3);
        var (images, labels) = SyntheticDigits.Create(4, seed: 3);
        var workspace = model.CreateWorkspace(4);
        workspace.LabelSmoothing = 0.2f;
        model.Forward(workspace, images);
        float loss = model.ComputeLoss(workspace, labels);
        Assert.Equal(Losses.SparseCategoricalCrossEntropy(workspace.OutputLogits, labels, MnistMlp.OutputSize, 0.2f), loss);
        model.Backward(workspace, labels);

        // Central differences in double through the loss, on a few output biases and weights.
        foreach (int index in new[] { model.Parameters.Length - 1, model.Parameters.Length - 7, model.Parameters.Length - 200 })
        {
            float saved = model.Parameters[index];
            const float h = 1e-2f;
            model.Parameters[index] = saved + h;
            model.Forward(workspace, images);
            double up = model.ComputeLoss(workspace, labels);
            model.Parameters[index] = saved - h;
            model.Forward(workspace, images);
            double down = model.ComputeLoss(workspace, labels);
            model.Parameters[index] = saved;
            Assert.Equal((up - down) / (2 * h), model.Gradients[index], 3);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.LabelSmoothing = 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.LabelSmoothing = -0.1f);
    }

    [Fact]
    public void The_trainer_refuses_a_label_smoothing_outside_0_to_1()
    {
        var (images, labels) = SyntheticDigits.Create(8, seed: 1);
        var data = new LabeledData(images, labels, SyntheticDigits.Pixels);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), data, new FitOptions { LabelSmoothing = 1f }));
    }
}
