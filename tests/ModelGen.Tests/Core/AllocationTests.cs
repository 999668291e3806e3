using ModelGen.Tests.Models;

namespace ModelGen.Tests.Core;


/// <summary>
/// After construction (and the optimizer's first step, which sizes its state), inference, backward and
/// whole training steps allocate exactly zero bytes: on the calling thread, and on the kernel worker
/// threads, which count their own allocations. (The process-wide counter is not usable here: the
/// test runner's own threads allocate while a test runs.)
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class AllocationTests
{
    /// <summary>Bytes allocated by runs of <paramref name="action"/>, on this thread and by kernel work on the worker threads.</summary>
    private static long Measure(Action action, int repetitions = 20) => AllocationMeter.Measure(action, repetitions);

    private static readonly (float[] Images, int[] Labels) Data = SyntheticDigits.Create(100, seed: 1);

    public static TheoryData<string> Operations() => new()
    {
        "Predict", "PredictClass", "PredictBatch", "PredictClasses", "Forward", "ComputeLoss", "Backward",
        "TrainStep with Adam", "TrainStep with SGD momentum", "TrainStep with SGD", "CountCorrect",
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public void Operation_allocates_nothing(string operation)
    {
        var model = new MnistMlp(seed: 1);
        var workspace = new MnistMlp.Workspace(32);
        float[] batch = Data.Images.AsSpan(0, 32 * 784).ToArray();
        int[] labels = Data.Labels.AsSpan(0, 32).ToArray();
        var output = new float[10];
        var outputs = new float[100 * 10];
        var classes = new int[100];
        var adam = new Adam();
        var momentum = new Sgd(0.01f, 0.9f);
        var sgd = new Sgd(0.01f);
        model.Forward(workspace, batch);
        Action action = operation switch
        {
            "Predict" => () => model.Predict(Data.Images.AsSpan(0, 784), output),
            "PredictClass" => () => model.PredictClass(Data.Images.AsSpan(784, 784)),
            "PredictBatch" => () => model.PredictBatch(Data.Images, outputs),
            "PredictClasses" => () => model.PredictClasses(Data.Images, classes),
            "Forward" => () => model.Forward(workspace, batch),
            "ComputeLoss" => () => model.ComputeLoss(workspace, labels),
            "Backward" => () => model.Backward(workspace, labels),
            "TrainStep with Adam" => () => model.TrainStep(workspace, batch, labels, adam),
            "TrainStep with SGD momentum" => () => model.TrainStep(workspace, batch, labels, momentum),
            "TrainStep with SGD" => () => model.TrainStep(workspace, batch, labels, sgd),
            "CountCorrect" => () => model.CountCorrect(workspace, labels),
            _ => throw new ArgumentException(operation),
        };
        Assert.Equal(0, Measure(action));
    }

    public static TheoryData<string> ConvOperations() => new()
    {
        "Predict", "PredictClass", "PredictBatch", "Forward", "Forward in training mode", "Backward", "TrainStep with Adam", "TrainStep with SGD momentum",
    };

    [Theory]
    [MemberData(nameof(ConvOperations))]
    public void Convnet_operation_allocates_nothing(string operation)
    {
        // The Keras MNIST convnet: im2col, pooling positions, dropout masks and col2im all live in the workspace.
        var model = new MnistConvNet(seed: 1);
        var workspace = new MnistConvNet.Workspace(16);
        float[] batch = Data.Images.AsSpan(0, 16 * 784).ToArray();
        int[] labels = Data.Labels.AsSpan(0, 16).ToArray();
        var output = new float[10];
        var outputs = new float[100 * 10];
        var adam = new Adam();
        var momentum = new Sgd(0.01f, 0.9f);
        model.Forward(workspace, batch, training: true);
        Action action = operation switch
        {
            "Predict" => () => model.Predict(Data.Images.AsSpan(0, 784), output),
            "PredictClass" => () => model.PredictClass(Data.Images.AsSpan(784, 784)),
            "PredictBatch" => () => model.PredictBatch(Data.Images, outputs),
            "Forward" => () => model.Forward(workspace, batch),
            "Forward in training mode" => () => model.Forward(workspace, batch, training: true),
            "Backward" => () => model.Backward(workspace, labels),
            "TrainStep with Adam" => () => model.TrainStep(workspace, batch, labels, adam),
            "TrainStep with SGD momentum" => () => model.TrainStep(workspace, batch, labels, momentum),
            _ => throw new ArgumentException(operation),
        };
        Assert.Equal(0, Measure(action, repetitions: 5));
    }

    [Fact]
    public void The_measurement_sees_allocations()
    {
        // Guards the test above: if the counters stopped working, every operation would "pass".
        Assert.Equal(20 * (256 * 4 + 24), Measure(() => GC.KeepAlive(new float[256])));
    }
}
