using ModelGen.ReferenceTests.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Conv;

/// <summary>
/// ModelGen's safetensors files and PyTorch state_dicts are interchangeable: the twin takes ModelGen's
/// saved tensors by state_dict name with no transposition of any kind, and ModelGen loads a file written
/// from the twin's state_dict (no ModelGen metadata). Either way the two give the same outputs. The
/// file is read and written by <see cref="MinimalSafeTensors"/>, not by ModelGen's code.
/// </summary>
public sealed class ConvFileInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-twins-").FullName;

    /// <summary>Every conv model.</summary>
    public static TheoryData<string> Models() => new(TestModels.ConvNames);

    [Theory]
    [MemberData(nameof(Models))]
    public void Conv_twin_loads_ModelGen_safetensors_by_state_dict_name(string modelName)
    {
        TorchRuntime.Require();
        (IGeneratedModel generated, ModelLayout layout) = TestModels.Create(modelName, seed: 51);
        var model = (IConvModel)generated;
        string path = Path.Combine(_folder, modelName + ".safetensors");
        model.Save(path);
        Dictionary<string, NamedTensor> file = MinimalSafeTensors.Read(path);

        using var scope = NewDisposeScope();
        using var twin = new TorchTwin(layout); // torch's own random init: everything used comes from the file
        Dictionary<string, Tensor> state = twin.StateDict();
        Assert.Equal(state.Keys.Order(), file.Keys.Order());
        using (no_grad())
        {
            foreach ((string name, Tensor target) in state)
            {
                Assert.True(target.shape.SequenceEqual(file[name].Shape), $"{name}: the file has shape [{string.Join(", ", file[name].Shape)}], the state_dict [{string.Join(", ", target.shape)}].");
                target.copy_(tensor(file[name].Values, file[name].Shape));
            }
        }

        var random = new Xoshiro256StarStar(5100);
        ReferenceBatch batch = ReferenceBatch.Random(layout, 9, ref random);
        double error = Compare.RelativeToMax(model.Forward(batch).ToArray(), TorchTwin.Values(twin.Outputs(twin.Forward(twin.Inputs(batch)))));
        output.WriteLine($"{layout}: tensors {string.Join(", ", file.Select(t => t.Key + " [" + string.Join(", ", t.Value.Shape) + "]"))}");
        output.WriteLine($"  outputs after the twin loaded ModelGen's file: error {error:E2}");
        Assert.True(error <= ForwardReferenceTests.Tolerance, $"{modelName}: the twin with ModelGen's saved tensors gives outputs {error:E2} away (relative to max).");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Conv_ModelGen_loads_safetensors_written_from_twin_state_dict(string modelName)
    {
        TorchRuntime.Require();
        (IGeneratedModel generated, ModelLayout layout) = TestModels.Create(modelName, seed: 52);
        var model = (IConvModel)generated;
        float[] before = (float[])model.Parameters.Clone();

        using var scope = NewDisposeScope();
        torch.manual_seed(52); // PyTorch's own initialisation, unrelated to the model's
        using var twin = new TorchTwin(layout);
        string path = Path.Combine(_folder, modelName + ".from-torch.safetensors");
        MinimalSafeTensors.Write(path, twin.StateDict().Select(p => (p.Key, new NamedTensor(p.Value.shape, TorchTwin.Values(p.Value)))));
        model.Load(path);

        var random = new Xoshiro256StarStar(5200);
        ReferenceBatch batch = ReferenceBatch.Random(layout, 9, ref random);
        double error = Compare.RelativeToMax(model.Forward(batch).ToArray(), TorchTwin.Values(twin.Outputs(twin.Forward(twin.Inputs(batch)))));
        double parameterError = Compare.MaxAbsDifference(model.Parameters, twin.ReadParameters());
        output.WriteLine($"{layout}: outputs after ModelGen loaded the state_dict file: error {error:E2}; parameters max abs difference {parameterError:E2}");
        Assert.True(Compare.MaxAbsDifference(model.Parameters, before) > 0.01, $"{modelName}: Load left the parameters (nearly) as they were.");
        Assert.Equal(0, parameterError);
        Assert.True(error <= ForwardReferenceTests.Tolerance, $"{modelName}: ModelGen with the twin's state_dict gives outputs {error:E2} away (relative to max).");
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
