using ModelGen.ReferenceTests.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Imported;

/// <summary>
/// Issue 13's proof for imported models: each [OnnxModel] class compiled from one of PyTorch's .onnx fixtures agrees
/// with a TorchSharp twin written in PyTorch's own layout (<see cref="PyTorchTwin"/>: NCHW, nn.Conv2d, nn.Linear,
/// nn.Flatten) that holds the same weights: its outputs and loss, every gradient, and the parameters after one
/// Adam step, each within 1e-5 (the step: beyond what Adam's first step makes of gradients near ε, see that test). The twin gets its weights from the generated Save, read with
/// <see cref="MinimalSafeTensors"/> and copied by state_dict name with no transposition; ModelGen's gradients are
/// brought into PyTorch's layouts the same way (written into a second instance's Parameters and saved), so every
/// comparison is tensor by tensor under PyTorch's names ("features.0.weight").
/// </summary>
public sealed class ImportedTwinTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Outputs, loss and gradients: max|ours − torch| / max|torch| per tensor (as ForwardReferenceTests and BackwardReferenceTests).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Parameters after one Adam step: |ours − torch| per parameter (see the test for the ill-conditioned ones).</summary>
    public const double StepTolerance = 1e-5;

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-imported-twins-").FullName;

    /// <summary>Every imported fixture.</summary>
    public static TheoryData<string> Fixtures() => ImportedFixtures.Names();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Imported_outputs_and_loss_match_the_PyTorch_layout_twin(string fixture)
    {
        TorchRuntime.Require();
        IConvModel model = ImportedFixtures.Create(fixture);
        ReferenceBatch batch = ImportedFixtures.Batch(fixture, model.Model, seed: 1300);
        float[] ours = model.Forward(batch).ToArray();
        float ourLoss = model.Loss(batch);

        using var scope = NewDisposeScope();
        using PyTorchTwin twin = Twin(fixture, model);
        Tensor forward = twin.Run(Inputs(fixture, batch));
        float[] theirs = TorchTwin.Values(twin.Outputs(forward));
        float theirLoss = twin.Loss(forward, batch).item<float>();

        // The twin is PyTorch's model: on the fixture's own inputs it gives the outputs PyTorch wrote into <name>.output.bin.
        (float[] referenceInputs, float[] referenceOutputs) = ImportedFixtures.Reference(fixture);
        double twinError = Compare.RelativeToMax(theirs.AsSpan(0, referenceOutputs.Length), referenceOutputs);
        double outputError = Compare.RelativeToMax(ours, theirs);
        double lossError = Compare.Relative(ourLoss, theirLoss);
        output.WriteLine($"{fixture}: batch {batch.Size} (the fixture's {referenceInputs.Length / model.Model.InputSize} inputs first)");
        output.WriteLine($"  twin vs {fixture}.output.bin: error {twinError:E2}");
        output.WriteLine($"  outputs: error {outputError:E2} (max|torch| {Compare.MaxAbs(theirs):G4})");
        output.WriteLine($"  loss:    error {lossError:E2} (ours {ourLoss:G9}, torch {theirLoss:G9})");
        Assert.True(twinError <= Tolerance, $"{fixture}: the twin gives outputs {twinError:E2} away from PyTorch's {fixture}.output.bin: it is not the fixture's network.");
        Assert.True(outputError <= Tolerance, $"{fixture}: outputs differ from the twin's by {outputError:E2} relative to their max (tolerance {Tolerance:E0}).");
        Assert.True(lossError <= Tolerance, $"{fixture}: loss {ourLoss:G9} vs the twin's {theirLoss:G9}, relative error {lossError:E2} (tolerance {Tolerance:E0}).");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Imported_gradients_match_the_PyTorch_layout_twin(string fixture)
    {
        TorchRuntime.Require();
        IConvModel model = ImportedFixtures.Create(fixture);
        ReferenceBatch batch = ImportedFixtures.Batch(fixture, model.Model, seed: 1310);
        model.Forward(batch);
        model.Backward(batch);
        Dictionary<string, NamedTensor> ours = InPyTorchLayout(fixture, model.Gradients);

        using var scope = NewDisposeScope();
        using PyTorchTwin twin = Twin(fixture, model);
        twin.zero_grad();
        twin.Loss(twin.Run(Inputs(fixture, batch)), batch).backward();
        Dictionary<string, Parameter> parameters = twin.NamedParameters();

        output.WriteLine($"{fixture}: batch {batch.Size}");
        AssertSameTensorNames(fixture, "gradients", ours, parameters);
        var failures = new List<string>();
        double largest = 0;
        foreach ((string name, Parameter parameter) in parameters)
        {
            float[] expected = TorchTwin.Values(parameter.grad ?? throw new InvalidOperationException($"{name} has no gradient."));
            double error = Compare.RelativeToMax(ours[name].Values, expected);
            largest = Math.Max(largest, error);
            output.WriteLine($"  gradient {name} [{string.Join(", ", parameter.shape)}]: error {error:E2} (max|torch| {Compare.MaxAbs(expected):G4})");
            // A zero reference would make the check vacuous: every tensor must carry gradient.
            if (!(error <= Tolerance) || Compare.MaxAbs(expected) == 0) failures.Add($"{name} {error:E2}");
        }
        output.WriteLine($"  largest: {largest:E2}");
        Assert.True(failures.Count == 0, $"{fixture}: gradients differ from autograd's beyond {Tolerance:E0} relative to each tensor's max (or are all zero): {string.Join(", ", failures)}.");
    }

    /// <summary>
    /// One Adam step from the same parameters on the same batch. Adam's first step is p − lr·g / (|g| + ε) for each
    /// parameter (the bias corrections cancel β1 and β2), so it is ill-conditioned where |g| is near ε: there the
    /// rounding-level difference between two correct gradients is multiplied by up to lr / (4ε) = 2,500. Each parameter
    /// must therefore agree within 1e-5 plus exactly what the two sides' gradients (themselves checked to agree within
    /// 1e-5 of their tensor's largest) make of it through that formula; the output says how many needed more than 1e-5.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Imported_parameters_after_one_Adam_step_match_the_PyTorch_layout_twin(string fixture)
    {
        TorchRuntime.Require();
        IConvModel model = ImportedFixtures.Create(fixture);
        ReferenceBatch batch = ImportedFixtures.Batch(fixture, model.Model, seed: 1320);
        float[] initial = (float[])model.Parameters.Clone();
        const float LearningRate = 1e-3f, Epsilon = 1e-7f;

        using var scope = NewDisposeScope();
        using PyTorchTwin twin = Twin(fixture, model);
        // Keras' defaults, which ModelGen's Adam has; torch gets them explicitly (TorchSharp's factory defaults β2 to 0.99).
        float ourLoss = model.TrainStep(batch, new Adam(learningRate: LearningRate, beta1: 0.9f, beta2: 0.999f, epsilon: Epsilon));
        using optim.Optimizer adam = optim.Adam(twin.parameters(), lr: LearningRate, beta1: 0.9, beta2: 0.999, eps: Epsilon);
        adam.zero_grad();
        Tensor loss = twin.Loss(twin.Run(Inputs(fixture, batch)), batch);
        loss.backward();
        adam.step();
        float theirLoss = loss.item<float>();

        Dictionary<string, NamedTensor> ours = InPyTorchLayout(fixture, model.Parameters);
        Dictionary<string, NamedTensor> ourGradients = InPyTorchLayout(fixture, model.Gradients);
        Dictionary<string, NamedTensor> before = InPyTorchLayout(fixture, initial);
        Dictionary<string, Parameter> parameters = twin.NamedParameters();
        output.WriteLine($"{fixture}: one Adam step (lr {LearningRate}, ε {Epsilon}) on a batch of {batch.Size}; loss ours {ourLoss:G9}, torch {theirLoss:G9}");
        AssertSameTensorNames(fixture, "parameters", ours, parameters);
        var failures = new List<string>();
        double largest = 0;
        foreach ((string name, Parameter parameter) in parameters)
        {
            float[] theirs = TorchTwin.Values(parameter), theirGradient = TorchTwin.Values(parameter.grad!);
            float[] mine = ours[name].Values, myGradient = ourGradients[name].Values, start = before[name].Values;
            double gradientError = Compare.RelativeToMax(myGradient, theirGradient);
            double moved = Compare.MaxAbsDifference(theirs, start);
            double error = 0;
            int worst = 0, conditioned = 0;
            for (int i = 0; i < theirs.Length; i++)
            {
                double difference = Math.Abs((double)mine[i] - theirs[i]);
                // What Adam's first step makes of the two gradients' own difference.
                double propagated = LearningRate * Math.Abs(myGradient[i] / (Math.Abs((double)myGradient[i]) + Epsilon) - theirGradient[i] / (Math.Abs((double)theirGradient[i]) + Epsilon));
                if (difference > error) (error, worst) = (difference, i);
                if (difference > StepTolerance) conditioned++;
                if (!(difference <= StepTolerance + propagated)) failures.Add($"{name}[{i}] {difference:E2} (gradients {myGradient[i]:G9} / {theirGradient[i]:G9})");
            }
            largest = Math.Max(largest, error);
            output.WriteLine($"  {name}: max abs error {error:E2}, {conditioned} beyond {StepTolerance:E0} (largest change by the step {moved:G4}; gradients {gradientError:E2}); " +
                $"worst at {worst}: {start[worst]:G9} → ours {mine[worst]:G9} / torch {theirs[worst]:G9}, gradient ours {myGradient[worst]:G9} / torch {theirGradient[worst]:G9}");
            if (!(gradientError <= Tolerance)) failures.Add($"{name}: gradients {gradientError:E2} apart");
            // The step must have moved every tensor (Adam's first step moves each parameter with a gradient by nearly lr).
            if (!(moved >= 10 * StepTolerance)) failures.Add($"{name} moved only {moved:E2}");
        }
        output.WriteLine($"  largest: {largest:E2}");
        // Nothing PyTorch's model lacks was trained: a fresh instance (the file's parameters) that loads the saved tensors has
        // every parameter of the trained one, so any slot Save leaves out (the zero bias of a layer without one) is as imported.
        IConvModel reloaded = ImportedFixtures.Create(fixture);
        string trained = Path.Combine(_folder, fixture + ".trained.safetensors");
        model.Save(trained);
        reloaded.Load(trained);
        Assert.True(reloaded.Parameters.AsSpan().SequenceEqual(model.Parameters), $"{fixture}: the step changed parameters that Save does not write (a bias PyTorch's model does not have?).");
        Assert.True(Compare.Relative(ourLoss, theirLoss) <= Tolerance, $"{fixture}: loss before the step {ourLoss:G9} vs the twin's {theirLoss:G9}.");
        Assert.True(failures.Count == 0, $"{fixture}: after one Adam step the parameters differ from the twin's: {string.Join(", ", failures.Take(10))}{(failures.Count > 10 ? $" and {failures.Count - 10} more" : "")}.");
    }

    /// <summary>
    /// The other direction: the generated class loads a file written from the twin's own state_dict (PyTorch's random
    /// initialisation, no ModelGen metadata, as safetensors.torch.save_file(model.state_dict()) writes it) and then gives
    /// the twin's outputs; a layer PyTorch has without a bias loads with none.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Imported_class_loads_the_PyTorch_layout_twins_state_dict(string fixture)
    {
        TorchRuntime.Require();
        IConvModel model = ImportedFixtures.Create(fixture);
        ReferenceBatch batch = ImportedFixtures.Batch(fixture, model.Model, seed: 1330);

        using var scope = NewDisposeScope();
        torch.manual_seed(1330);
        using PyTorchTwin twin = PyTorchTwin.For(fixture);
        string path = Path.Combine(_folder, fixture + ".from-torch.safetensors");
        MinimalSafeTensors.Write(path, twin.NamedParameters().Select(p => (p.Key, new NamedTensor(p.Value.shape, TorchTwin.Values(p.Value)))));
        model.Load(path);

        float[] theirs = TorchTwin.Values(twin.Outputs(twin.Run(Inputs(fixture, batch))));
        double error = Compare.RelativeToMax(model.Forward(batch).ToArray(), theirs);
        Dictionary<string, NamedTensor> loaded = InPyTorchLayout(fixture, model.Parameters);
        double parameterError = twin.NamedParameters().Max(p => Compare.MaxAbsDifference(loaded[p.Key].Values, TorchTwin.Values(p.Value)));
        output.WriteLine($"{fixture}: after loading the twin's state_dict: outputs error {error:E2}; parameters max abs difference {parameterError:E2}");
        AssertSameTensorNames(fixture, "parameters", loaded, twin.NamedParameters());
        Assert.Equal(0, parameterError);
        Assert.True(error <= Tolerance, $"{fixture}: with the twin's state_dict the outputs are {error:E2} away from the twin's (relative to max).");
    }

    /// <summary>The twin with the generated model's parameters, from the file the generated Save writes.</summary>
    private PyTorchTwin Twin(string fixture, IConvModel model)
    {
        PyTorchTwin twin = PyTorchTwin.For(fixture);
        string path = Path.Combine(_folder, fixture + ".safetensors");
        model.Save(path);
        twin.LoadStateDict(MinimalSafeTensors.Read(path));
        return twin;
    }

    /// <summary>
    /// Values laid out as the generated Parameters (parameters or gradients), as PyTorch's state_dict tensors: written into
    /// the Parameters of a second instance, which the generated Save then writes under PyTorch's names and layouts.
    /// </summary>
    private Dictionary<string, NamedTensor> InPyTorchLayout(string fixture, float[] flat)
    {
        IConvModel carrier = ImportedFixtures.Create(fixture);
        Assert.Equal(carrier.Parameters.Length, flat.Length);
        flat.CopyTo(carrier.Parameters, 0);
        string path = Path.Combine(_folder, fixture + ".carrier.safetensors");
        carrier.Save(path);
        return MinimalSafeTensors.Read(path);
    }

    private static Tensor Inputs(string fixture, ReferenceBatch batch) => tensor(batch.Inputs, ImportedFixtures.InputShape(fixture, batch.Size));

    private static void AssertSameTensorNames(string fixture, string what, Dictionary<string, NamedTensor> ours, Dictionary<string, Parameter> theirs)
    {
        string[] ourNames = [.. ours.Keys.Order(StringComparer.Ordinal)], theirNames = [.. theirs.Keys.Order(StringComparer.Ordinal)];
        Assert.True(ourNames.SequenceEqual(theirNames),
            $"{fixture}: ModelGen's {what} are [{string.Join(", ", ourNames)}], PyTorch's model has [{string.Join(", ", theirNames)}].");
        foreach ((string name, Parameter parameter) in theirs)
            Assert.True(parameter.shape.SequenceEqual(ours[name].Shape), $"{fixture}: {name} is [{string.Join(", ", ours[name].Shape)}] in ModelGen's file, [{string.Join(", ", parameter.shape)}] in PyTorch's model.");
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
