using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Graph;

/// <summary>
/// The graph models (residual Add, Concatenate, BatchNormalization, ReLU6, depthwise convolution, average and global
/// average pooling, blocks, named inputs, bias-free layers) against hand-written TorchSharp twins in PyTorch's layout
/// (<see cref="GraphTwin"/>). The twin gets the generated model's weights and running statistics from its Save file,
/// by state_dict name; ModelGen's gradients reach PyTorch's layout the same way. Per tensor: outputs, loss and every
/// gradient within 1e-5 of the reference's largest magnitude, running statistics within 1e-6 after a training forward,
/// inference outputs within 1e-5; then 100 steps of Adam and of SGD with momentum in lockstep, batch 8.
/// </summary>
public sealed class GraphTwinTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Outputs, loss and gradients: max|ours − torch| / max|torch| per tensor.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Running mean and variance after a training forward: max|ours − torch| / max|torch| per tensor.</summary>
    public const double StatisticsTolerance = 1e-6;

    /// <summary>Parameters and running statistics after 100 steps: max|ours − torch| per tensor.</summary>
    public const double TrainingTolerance = 1e-4;

    /// <summary>Samples per batch.</summary>
    public const int BatchSize = 8;

    /// <summary>Steps per lockstep run, and the batches they cycle through.</summary>
    public const int Steps = 100, PoolBatches = 10;

    private readonly GraphFiles _files = new();

    /// <summary>The three graph models.</summary>
    public static TheoryData<string> Models() => new(GraphTwin.Names);

    /// <summary>Each model with each optimizer.</summary>
    public static TheoryData<string, string> Training()
    {
        var cases = new TheoryData<string, string>();
        foreach (string name in GraphTwin.Names) foreach (string optimizer in new[] { "Adam", "SgdMomentum" }) cases.Add(name, optimizer);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Graph_training_forward_loss_gradients_and_running_statistics_match_the_twin(string model)
    {
        TorchRuntime.Require();
        IGraphSubject subject = GraphModels.Create(model, seed: 41);
        _files.Perturb(subject, seed: 4100);
        ReferenceBatch batch = GraphModels.Batch(subject, BatchSize, seed: 4101);

        using var scope = NewDisposeScope();
        using GraphTwin twin = Twin(subject);
        float[] ours = subject.Forward(batch, training: true);
        float ourLoss = subject.Loss(batch);
        subject.Backward(batch);
        Dictionary<string, Parameter> parameters = twin.NamedParameters();
        Dictionary<string, NamedTensor> ourGradients = _files.InPyTorchLayout(subject, subject.Model.Gradients, parameters.Keys);

        twin.zero_grad();
        Tensor logits = twin.Logits(batch);
        Tensor loss = GraphTwin.Loss(logits, batch);
        loss.backward();
        float[] theirs = TorchTwin.Values(GraphTwin.Outputs(logits));
        float theirLoss = loss.item<float>();

        var failures = new List<string>();
        double outputError = Compare.RelativeToMax(ours, theirs), lossError = Compare.Relative(ourLoss, theirLoss);
        output.WriteLine($"{model}: batch {batch.Size}, training mode");
        output.WriteLine($"  outputs: error {outputError:E2} (max|torch| {Compare.MaxAbs(theirs):G4})");
        output.WriteLine($"  loss:    error {lossError:E2} (ours {ourLoss:G9}, torch {theirLoss:G9})");
        if (!(outputError <= Tolerance)) failures.Add($"outputs {outputError:E2}");
        if (!(lossError <= Tolerance)) failures.Add($"loss {lossError:E2}");

        double largest = 0;
        foreach ((string name, Parameter parameter) in parameters)
        {
            float[] expected = TorchTwin.Values(parameter.grad ?? throw new InvalidOperationException($"{name} has no gradient."));
            double error = Compare.RelativeToMax(ourGradients[name].Values, expected);
            largest = Math.Max(largest, error);
            output.WriteLine($"  gradient {name} [{string.Join(", ", parameter.shape)}]: error {error:E2} (max|torch| {Compare.MaxAbs(expected):G4})");
            // A zero reference would make the check vacuous: every tensor must carry gradient.
            if (!(error <= Tolerance) || Compare.MaxAbs(expected) == 0) failures.Add($"gradient {name} {error:E2} (max|torch| {Compare.MaxAbs(expected):G4})");
        }
        output.WriteLine($"  largest gradient error: {largest:E2}");
        // ReLU6's upper clip must be exercised too, not only its lower one.
        output.WriteLine($"  values ReLU6 clipped at 6: {twin.ClippedAtSix}");
        if (model == "InvertedResidual" && twin.ClippedAtSix == 0) failures.Add("no value reached ReLU6's upper clip: the test does not check it");

        // The running statistics the training forward moved, and the counters it advanced.
        Dictionary<string, NamedTensor> saved = _files.Saved(subject), state = twin.StateDictTensors();
        foreach ((string name, NamedTensor expected) in state.Where(p => !parameters.ContainsKey(p.Key)))
        {
            if (expected.Integers is { } count)
            {
                output.WriteLine($"  {name}: ours {saved[name].Integers![0]}, torch {count[0]}");
                if (!saved[name].Integers!.SequenceEqual(count)) failures.Add($"{name} {saved[name].Integers![0]} vs {count[0]}");
                continue;
            }
            double error = Compare.RelativeToMax(saved[name].Values, expected.Values);
            output.WriteLine($"  {name}: error {error:E2} (max|torch| {Compare.MaxAbs(expected.Values):G4})");
            if (!(error <= StatisticsTolerance)) failures.Add($"{name} {error:E2}");
        }
        Assert.True(failures.Count == 0, $"{model}: differs from the twin in training mode: {string.Join(", ", failures)}.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Graph_inference_outputs_match_the_twin_in_eval_mode(string model)
    {
        TorchRuntime.Require();
        IGraphSubject subject = GraphModels.Create(model, seed: 42);
        _files.Perturb(subject, seed: 4200);
        // Three training forwards move the running statistics away from the perturbed ones first.
        for (int i = 0; i < 3; i++) subject.Forward(GraphModels.Batch(subject, BatchSize, seed: 4201 + (ulong)i), training: true);
        ReferenceBatch batch = GraphModels.Batch(subject, BatchSize, seed: 4210);

        using var scope = NewDisposeScope();
        using GraphTwin twin = Twin(subject);
        twin.eval();
        float[] theirs;
        using (no_grad()) theirs = TorchTwin.Values(GraphTwin.Outputs(twin.Logits(batch)));
        float[] ours = subject.Forward(batch, training: false);
        var predicted = new float[ours.Length];
        subject.Model.PredictBatch(batch.Inputs, predicted);
        var single = new float[subject.OutputSize];
        subject.Model.Predict(batch.Inputs.AsSpan(0, subject.InputSize), single);

        double error = Compare.RelativeToMax(ours, theirs), batchError = Compare.RelativeToMax(predicted, theirs);
        double singleError = Compare.RelativeToMax(single, theirs.AsSpan(0, subject.OutputSize));
        output.WriteLine($"{model}: inference, batch {batch.Size}: Forward(training: false) error {error:E2}, PredictBatch {batchError:E2}, Predict (first sample) {singleError:E2} (max|torch| {Compare.MaxAbs(theirs):G4})");
        // An inference forward must leave the running statistics alone: the twin in eval mode does.
        Dictionary<string, NamedTensor> saved = _files.Saved(subject);
        double stateError = twin.StateDictTensors().Max(p => Compare.MaxAbsDifference(saved[p.Key].Values, p.Value.Values));
        output.WriteLine($"  state after the inference passes: max abs difference {stateError:E2}");
        Assert.True(error <= Tolerance && batchError <= Tolerance && singleError <= Tolerance,
            $"{model}: inference outputs differ from the twin's in eval mode: Forward {error:E2}, PredictBatch {batchError:E2}, Predict {singleError:E2}.");
        Assert.Equal(0, stateError);
    }

    [Theory]
    [MemberData(nameof(Training))]
    public void Graph_parameters_and_running_statistics_after_100_steps_match_the_twin(string model, string optimizerName)
    {
        TorchRuntime.Require();
        IGraphSubject subject = GraphModels.Create(model, seed: 43);
        ReferenceBatch[] pool = Enumerable.Range(0, PoolBatches).Select(i => GraphModels.Batch(subject, BatchSize, seed: 4300 + (ulong)i)).ToArray();
        float[] initial = (float[])subject.Model.Parameters.Clone();

        using var scope = NewDisposeScope();
        using GraphTwin twin = Twin(subject);
        // ModelGen's Adam has Keras' defaults (ε 1e-7); torch gets them explicitly (TorchSharp's factory defaults β2 to 0.99).
        (Optimizer ours, optim.Optimizer theirs) = optimizerName switch
        {
            "Adam" => ((Optimizer)new Adam(), (optim.Optimizer)optim.Adam(twin.parameters(), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7)),
            "SgdMomentum" => (new Sgd(0.01f, 0.9f), optim.SGD(twin.parameters(), 0.01, momentum: 0.9)),
            _ => throw new ArgumentOutOfRangeException(nameof(optimizerName), optimizerName, "Unknown optimizer."),
        };
        using optim.Optimizer torchOptimizer = theirs;
        var losses = new List<(float Ours, float Torch)>();
        for (int step = 0; step < Steps; step++)
        {
            ReferenceBatch batch = pool[step % PoolBatches];
            float ourLoss = subject.TrainStep(batch, ours);
            using var stepScope = NewDisposeScope();
            torchOptimizer.zero_grad();
            Tensor loss = GraphTwin.Loss(twin.Logits(batch), batch);
            loss.backward();
            torchOptimizer.step();
            losses.Add((ourLoss, loss.item<float>()));
        }

        Dictionary<string, NamedTensor> saved = _files.Saved(subject), state = twin.StateDictTensors();
        output.WriteLine($"{model}; {optimizerName}, {Steps} steps of batch {BatchSize}");
        var failures = new List<string>();
        double largestParameter = 0, largestStatistic = 0;
        foreach ((string name, NamedTensor expected) in state)
        {
            if (expected.Integers is { } count)
            {
                if (!saved[name].Integers!.SequenceEqual(count)) failures.Add($"{name} {saved[name].Integers![0]} vs {count[0]}");
                continue;
            }
            double error = Compare.MaxAbsDifference(saved[name].Values, expected.Values);
            bool statistic = name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal);
            if (statistic) largestStatistic = Math.Max(largestStatistic, error); else largestParameter = Math.Max(largestParameter, error);
            output.WriteLine($"  {name} [{string.Join(", ", expected.Shape)}]: max abs error {error:E2} (max|torch| {Compare.MaxAbs(expected.Values):G4})");
            if (!(error <= TrainingTolerance)) failures.Add($"{name} {error:E2}");
        }
        double moved = Compare.MaxAbsDifference(subject.Model.Parameters, initial);
        double lossError = losses.Max(l => Compare.Relative(l.Ours, l.Torch));
        double firstEpoch = losses.Take(PoolBatches).Average(l => l.Ours), lastEpoch = losses.TakeLast(PoolBatches).Average(l => l.Ours);
        output.WriteLine($"  largest: parameters {largestParameter:E2}, running statistics {largestStatistic:E2}; parameters moved up to {moved:G4}");
        output.WriteLine($"  mean loss first epoch {firstEpoch:G6}, last epoch {lastEpoch:G6}; largest per-step relative loss difference {lossError:E2}");

        // Nothing the file leaves out moved (a bias-free layer's bias slots stay 0): Save and Load give the same Parameters.
        IGraphSubject reloaded = subject.Another();
        string path = _files.NewPath(model + ".trained");
        subject.Model.Save(path);
        reloaded.Model.Load(path);
        Assert.True(reloaded.Model.Parameters.AsSpan().SequenceEqual(subject.Model.Parameters), $"{model}: training changed parameters that Save does not write (a bias-free layer's bias?).");
        Assert.True(failures.Count == 0, $"{model} with {optimizerName}: after {Steps} steps differs from the twin beyond {TrainingTolerance:E0}: {string.Join(", ", failures)}.");
        Assert.True(moved >= 100 * TrainingTolerance, $"{model} with {optimizerName}: the parameters moved by only {moved:E2}.");
        Assert.True(lastEpoch < firstEpoch, $"{model} with {optimizerName}: the mean loss did not decrease ({firstEpoch:G6} → {lastEpoch:G6}).");
    }

    /// <summary>The twin with the generated model's parameters, running statistics and counters, from its Save file.</summary>
    private GraphTwin Twin(IGraphSubject subject)
    {
        GraphTwin twin = GraphTwin.For(subject.Name);
        twin.LoadStateDict(_files.Saved(subject));
        return twin;
    }

    /// <inheritdoc />
    public void Dispose() => _files.Dispose();
}
