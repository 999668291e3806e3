using ModelGen.Tests.Models;
using Xunit.Abstractions;

namespace ModelGen.Tests.Core;

/// <summary>Generated models learn tasks that need their hidden layers, with each optimizer.</summary>
public sealed class LearningTests(ITestOutputHelper output)
{
    /// <summary>Two spirals of <paramref name="perClass"/> points each, with a little noise.</summary>
    public static (float[] Points, int[] Labels) TwoSpirals(int perClass, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var points = new float[2 * perClass * 2];
        var labels = new int[2 * perClass];
        for (int c = 0; c < 2; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                double t = 0.25 + 2.75 * Math.PI * i / perClass; // about one and a half turns
                double r = t / (3 * Math.PI);
                double angle = t + c * Math.PI;
                int s = c * perClass + i;
                points[2 * s] = (float)(r * Math.Cos(angle) + 0.01 * (random.NextDouble() - 0.5));
                points[2 * s + 1] = (float)(r * Math.Sin(angle) + 0.01 * (random.NextDouble() - 0.5));
                labels[s] = c;
            }
        }
        return (points, labels);
    }

    public static TheoryData<string> Optimizers() => new() { "adam", "sgd-momentum" };

    private static Optimizer Create(string name, float adamRate, float sgdRate) =>
        name == "adam" ? new Adam(adamRate) : new Sgd(sgdRate, momentum: 0.9f);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Spiral_classifier_reaches_full_training_accuracy(string optimizerName)
    {
        var (points, labels) = TwoSpirals(100, seed: 1);
        int count = labels.Length, batchSize = 20;
        var model = new SpiralNet(seed: 2);
        var workspace = new SpiralNet.Workspace(batchSize);
        Optimizer optimizer = Create(optimizerName, adamRate: 0.01f, sgdRate: 0.05f);
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Xoshiro256StarStar(3);
        var batchPoints = new float[batchSize * 2];
        var batchLabels = new int[batchSize];
        float firstLoss = float.NaN, lastEpochLoss = 0;
        for (int epoch = 0; epoch < 400; epoch++)
        {
            random.Shuffle(order.AsSpan());
            lastEpochLoss = 0;
            for (int start = 0; start < count; start += batchSize)
            {
                for (int j = 0; j < batchSize; j++)
                {
                    int s = order[start + j];
                    batchPoints[2 * j] = points[2 * s];
                    batchPoints[2 * j + 1] = points[2 * s + 1];
                    batchLabels[j] = labels[s];
                }
                float loss = model.TrainStep(workspace, batchPoints, batchLabels, optimizer);
                if (float.IsNaN(firstLoss)) firstLoss = loss;
                lastEpochLoss += loss * batchSize / count;
            }
        }
        var predicted = new int[count];
        model.PredictClasses(points, predicted);
        double accuracy = predicted.Zip(labels).Count(p => p.First == p.Second) / (double)count;
        output.WriteLine($"{optimizerName}: first batch loss {firstLoss:F4}, last epoch loss {lastEpochLoss:F4}, accuracy {accuracy:P1}");
        Assert.True(accuracy >= 0.99, $"{optimizerName}: training accuracy {accuracy:P1} on two spirals (loss {lastEpochLoss:F4})");
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Xor_regressor_learns_the_truth_table(string optimizerName)
    {
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];
        var model = new XorNet(seed: 4);
        var workspace = new XorNet.Workspace(4);
        Optimizer optimizer = Create(optimizerName, adamRate: 0.02f, sgdRate: 0.5f);
        float loss = 0;
        for (int step = 0; step < 3000; step++) loss = model.TrainStep(workspace, inputs, targets, optimizer);
        var outputs = new float[4];
        model.PredictBatch(inputs, outputs);
        output.WriteLine($"{optimizerName}: loss {loss:E2}, outputs {string.Join(", ", outputs.Select(o => o.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(outputs[i] - targets[i]) < 0.1, $"{optimizerName}: XOR({inputs[2 * i]}, {inputs[2 * i + 1]}) = {outputs[i]}, expected {targets[i]}");
    }
}
