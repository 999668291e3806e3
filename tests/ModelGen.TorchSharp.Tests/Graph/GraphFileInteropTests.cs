using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Graph;

/// <summary>
/// The graph models' files and PyTorch state_dicts are interchangeable, strictly: the generated Save writes exactly
/// the twin's state_dict (names, shapes, dtypes: int64 num_batches_tracked of shape []), and the generated Load takes a
/// file written from the twin's state_dict as PyTorch would have it (no ModelGen metadata), after which both give the
/// same outputs in inference and in training mode. Files are read and written by <see cref="MinimalSafeTensors"/>.
/// </summary>
public sealed class GraphFileInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly GraphFiles _files = new();

    /// <summary>The three graph models.</summary>
    public static TheoryData<string> Models() => new(GraphTwin.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void Graph_Save_writes_exactly_the_twin_state_dict_keys_shapes_and_dtypes(string model)
    {
        TorchRuntime.Require();
        IGraphSubject subject = GraphModels.Create(model, seed: 61);
        Dictionary<string, NamedTensor> saved = _files.Saved(subject);

        using var scope = NewDisposeScope();
        using GraphTwin twin = GraphTwin.For(model);
        Dictionary<string, NamedTensor> state = twin.StateDictTensors();
        output.WriteLine($"{model}: {string.Join(", ", state.Select(p => $"{p.Key} {p.Value.DType} [{string.Join(", ", p.Value.Shape)}]"))}");
        GraphTwin.AssertSameKeysShapesAndDTypes(saved, state, "ModelGen's Save", "the twin's state_dict");
        // A fresh model is as a fresh PyTorch module: BatchNorm's γ 1, β 0, running mean 0, variance 1, no batches tracked.
        foreach ((string name, NamedTensor t) in saved)
        {
            string module = name[..name.LastIndexOf('.')];
            if (!saved.ContainsKey(module + ".running_mean")) continue; // not a BatchNorm
            if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) Assert.Equal([0L], t.Integers!);
            else if (name.EndsWith(".running_var", StringComparison.Ordinal) || name.EndsWith(".weight", StringComparison.Ordinal)) Assert.All(t.Values, v => Assert.Equal(1f, v));
            else Assert.All(t.Values, v => Assert.Equal(0f, v));
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Graph_Load_takes_a_file_written_from_the_twin_state_dict(string model)
    {
        TorchRuntime.Require();
        IGraphSubject subject = GraphModels.Create(model, seed: 62);
        float[] before = (float[])subject.Model.Parameters.Clone();

        using var scope = NewDisposeScope();
        manual_seed(62); // PyTorch's own initialisation, unrelated to the model's
        using GraphTwin twin = GraphTwin.For(model);
        using (no_grad())
        {
            // Non-trivial BatchNorm affine values, and running statistics (and counts) moved by three training batches.
            foreach ((string name, TorchSharp.Modules.Parameter p) in twin.NamedParameters())
                if (p.shape.Length == 1) p.uniform_(name.EndsWith(".weight", StringComparison.Ordinal) ? 0.5 : -0.5, name.EndsWith(".weight", StringComparison.Ordinal) ? 1.5 : 0.5);
            for (int i = 0; i < 3; i++) twin.Logits(GraphModels.Batch(subject, 8, seed: 6200 + (ulong)i));
        }
        Dictionary<string, NamedTensor> state = twin.StateDictTensors();
        string path = _files.NewPath(model + ".from-torch");
        MinimalSafeTensors.Write(path, state.Select(p => (p.Key, p.Value)));
        subject.Model.Load(path);

        // Every tensor arrived as written, counters included.
        Dictionary<string, NamedTensor> saved = _files.Saved(subject);
        GraphTwin.AssertSameKeysShapesAndDTypes(saved, state, "ModelGen's Save after Load", "the twin's state_dict");
        double difference = state.Max(p => Compare.MaxAbsDifference(saved[p.Key].Values, p.Value.Values));
        Assert.Equal(0, difference);
        Assert.True(Compare.MaxAbsDifference(subject.Model.Parameters, before) > 0.01, $"{model}: Load left the parameters (nearly) as they were.");

        ReferenceBatch batch = GraphModels.Batch(subject, 8, seed: 6210);
        twin.eval();
        float[] theirs;
        using (no_grad()) theirs = TorchTwin.Values(GraphTwin.Outputs(twin.Logits(batch)));
        double inference = Compare.RelativeToMax(subject.Forward(batch, training: false), theirs);
        twin.train();
        using (no_grad()) theirs = TorchTwin.Values(GraphTwin.Outputs(twin.Logits(batch)));
        double training = Compare.RelativeToMax(subject.Forward(batch, training: true), theirs);
        output.WriteLine($"{model}: after loading the twin's state_dict: outputs error {inference:E2} (inference), {training:E2} (training)");
        Assert.True(inference <= GraphTwinTests.Tolerance && training <= GraphTwinTests.Tolerance,
            $"{model}: with the twin's state_dict the outputs are {inference:E2} (inference) and {training:E2} (training) away from the twin's.");
    }

    /// <inheritdoc />
    public void Dispose() => _files.Dispose();
}
