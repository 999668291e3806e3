namespace ModelGen.Tests.Core;

/// <summary>The optimizers against their update rules, computed independently in double.</summary>
public sealed class OptimizerTests
{
    [Fact]
    public void Sgd_without_momentum_steps_against_the_gradient()
    {
        float[] p = [1f, -2f, 0.5f];
        new Sgd(0.1f).Step(p, [0.5f, -1f, 0f]);
        Assert.Equal([0.95f, -1.9f, 0.5f], p);
    }

    [Fact]
    public void Sgd_momentum_follows_the_pytorch_recurrence()
    {
        var optimizer = new Sgd(0.1f, momentum: 0.9f);
        float[] p = [1f];
        double expected = 1, velocity = 0;
        for (int step = 0; step < 50; step++)
        {
            float gradient = 2 * p[0]; // minimising p²
            velocity = 0.9 * velocity + gradient;
            expected -= 0.1 * velocity;
            optimizer.Step(p, [gradient]);
            Assert.Equal(expected, p[0], 1e-5);
        }
        Assert.Equal(50, optimizer.Steps);
    }

    [Fact]
    public void Adam_defaults_are_keras_defaults()
    {
        var adam = new Adam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-7f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon));
    }

    [Fact]
    public void Adam_follows_the_bias_corrected_update()
    {
        var adam = new Adam(0.01f);
        float[] p = [0.5f, -3f];
        double[] q = [0.5, -3];
        double[] m = new double[2], v = new double[2];
        for (int t = 1; t <= 200; t++)
        {
            float[] g = [(float)(2 * p[0]), (float)(Math.Sin(p[1]) + 0.1)];
            for (int i = 0; i < 2; i++)
            {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(0.9, t)), vHat = v[i] / (1 - Math.Pow(0.999, t));
                q[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-7);
            }
            adam.Step(p, g);
            Assert.Equal(q[0], p[0], 1e-4);
            Assert.Equal(q[1], p[1], 1e-4);
        }
        // The first step of Adam moves each parameter by about the learning rate, whatever the gradient's scale.
        var fresh = new Adam(0.01f);
        float[] r = [0f, 0f];
        fresh.Step(r, [1000f, 1e-3f]);
        Assert.Equal(-0.01f, r[0], 1e-6f);
        Assert.Equal(-0.01f, r[1], 1e-4f);
    }

    [Fact]
    public void Optimizers_refuse_bad_settings_and_mismatched_buffers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(momentum: -0.1f));
        var adam = new Adam();
        Assert.Throws<ArgumentException>(() => adam.Step(new float[3], new float[2]));
        adam.Step(new float[3], new float[3]);
        var error = Assert.Throws<InvalidOperationException>(() => adam.Step(new float[4], new float[4]));
        Assert.Contains("one optimizer per model", error.Message);
    }

    // Adam's moments are private; reading them is the only way to see that none is ever subnormal.
    private static float[] Moment(Adam adam, string name) =>
        (float[])typeof(Adam).GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(adam)!;

    [Fact]
    public void Adam_moments_that_decay_become_zero_without_passing_through_subnormals()
    {
        // One gradient, then none: m decays by 0.9 and v by 0.999 per step; exact arithmetic would take m
        // through the subnormal range (below 1.2e-38) around step 830, where x64 CPUs run about a hundred
        // times slower. The parameters of all 20 lanes (vector and scalar tail alike) must behave the same.
        var adam = new Adam();
        float[] p = new float[20], g = Enumerable.Repeat(1f, 20).ToArray(), zero = new float[20];
        adam.Step(p, g);
        int mZeroAt = -1;
        for (int step = 2; step <= 1_500; step++)
        {
            adam.Step(p, zero);
            float[] m = Moment(adam, "_m"), v = Moment(adam, "_v");
            Assert.DoesNotContain(m, float.IsSubnormal);
            Assert.DoesNotContain(v, float.IsSubnormal);
            Assert.All(m, x => Assert.Equal(m[0], x));
            if (mZeroAt < 0 && m[0] == 0f) mZeroAt = step;
        }
        // m = 0.1·0.9^(t−1) stays at or above 2⁻¹⁰⁰ (7.9e-31) until step 638, and is then zero.
        Assert.Equal(638, mZeroAt);
        Assert.True(Moment(adam, "_v")[0] > 0f, "v decays far more slowly and must still be positive.");
    }

    [Fact]
    public void Adam_ignores_gradients_below_two_to_the_minus_56()
    {
        // Their squares would be subnormal; what they would move a weight by is under 1e-13.
        var adam = new Adam();
        float[] p = [0.25f, -0.5f, 0f];
        adam.Step(p, [1e-17f, -1e-20f, 1e-30f]);
        Assert.Equal([0.25f, -0.5f, 0f], p);
        Assert.Equal([0f, 0f, 0f], Moment(adam, "_m"));
        // Just above the floor (2⁻⁵⁶ ≈ 1.39e-17) a gradient counts.
        adam.Step(p, [1.5e-17f, 0f, 0f]);
        Assert.NotEqual(0f, Moment(adam, "_m")[0]);
    }
}
