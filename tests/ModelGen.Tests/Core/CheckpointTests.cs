using ModelGen.Serialization;
using ModelGen.TestModels;
using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>
/// Checkpoints resume exactly: a run stopped after any step and resumed from its last checkpoint, by a new model,
/// optimizer and trainer, ends with the same bits (parameters, running statistics, counters, history) as a run that
/// never stopped, and as a run that wrote no checkpoint at all. A checkpoint from another run or a damaged file is
/// refused with one line, and leaves the model as it was.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    private sealed record Run(float[] Parameters, float[] State, long[] Counters, IReadOnlyList<EpochRecord> History);

    // 200 synthetic digits in batches of 32: 7 steps an epoch, the last of 8 samples.
    private static readonly LabeledData s_digits = Digits();

    // 90 random 8×8×2 images of 3 classes in batches of 16: 6 steps an epoch, the last of 10 samples.
    private static readonly LabeledData s_images = new(TestData.Uniform(90 * 128, 11), TestData.Labels(90, 3, 12), 128);

    private static LabeledData Digits()
    {
        var (images, labels) = SyntheticDigits.Create(200, seed: 3);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    private static FitOptions DropoutOptions => new() { BatchSize = 32, Seed = 7 };

    // Everything issue 19 added, at once: Nesterov SGD with decay on the weights, one-cycle (which moves the momentum),
    // augmentation, label smoothing and clipping, on a network with BatchNormalization.
    private static FitOptions ResNetOptions => new()
    {
        BatchSize = 16, Seed = 9, ScheduledEpochs = 3, Schedule = new OneCycleSchedule(0.05),
        Augmentation = new ImageAugmentation { CropPadding = 1, HorizontalFlip = true, ErasingProbability = 0.5 },
        LabelSmoothing = 0.1f,
    };

    private static Optimizer ResNetOptimizer(IModel model) =>
        new Sgd(0.05f, 0.9f, 5e-4f, nesterov: true) { DecayMask = DecayMask.WeightsOnly(model), ClipGradientNorm = 1f };

    // The run straight through, without checkpoints.
    private static Run Straight<TWorkspace>(IClassifier<TWorkspace> model, Optimizer optimizer, LabeledData data, FitOptions options, int epochs)
        where TWorkspace : IWorkspace
    {
        var trainer = new ClassifierTrainer<TWorkspace>(model, optimizer, data, options);
        trainer.Fit(epochs, validation: data);
        return new Run(model.Parameters, model.State, model.Counters, trainer.History);
    }

    // The same run with a checkpoint every few steps, "killed" right after step `stopAfter` (the next step never runs),
    // then resumed by a new model (from another seed: everything must come from the file), optimizer and trainer.
    private Run Resumed<TWorkspace>(Func<ulong, IClassifier<TWorkspace>> create, ulong seed, Func<IModel, Optimizer> optimizer, LabeledData data,
        FitOptions options, int epochs, int every, long stopAfter) where TWorkspace : IWorkspace
    {
        string path = File("run.ckpt");
        var first = create(seed);
        var stop = new CancellationTokenSource();
        var trainer = new ClassifierTrainer<TWorkspace>(first, optimizer(first), data, options with { Checkpoint = new CheckpointOptions(path) { EverySteps = every } });
        var progress = new Reports(report => { if (trainer.Steps == stopAfter) stop.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(epochs, data, progress, stop.Token));

        var second = create(seed + 1000);
        var resumed = new ClassifierTrainer<TWorkspace>(second, optimizer(second), data, options with { Checkpoint = new CheckpointOptions(path) { EverySteps = every } });
        resumed.ResumeFrom(path);
        // The last checkpoint: every few steps, or at an epoch's end.
        Assert.InRange(resumed.Steps, stopAfter - stopAfter % every, stopAfter);
        int done = resumed.EpochsCompleted - (resumed.EpochInProgress ? 1 : 0);
        resumed.Fit(epochs - done, data);
        return new Run(second.Parameters, second.State, second.Counters, resumed.History);
    }

    private static void AssertSameBits(Run expected, Run actual)
    {
        Assert.Equal(expected.Parameters, actual.Parameters);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.Counters, actual.Counters);
        // Every figure but the times, which no two runs share.
        Assert.Equal(expected.History.Select(e => e with { Seconds = 0, ValidationSeconds = 0 }), actual.History.Select(e => e with { Seconds = 0, ValidationSeconds = 0 }));
    }

    [Theory]
    [InlineData(1, 3)]     // mid-epoch, in the first epoch
    [InlineData(7, 7)]     // the first epoch's last step: its end-of-epoch checkpoint follows
    [InlineData(3, 10)]    // mid-epoch, in the second epoch, from a checkpoint two steps old
    [InlineData(5, 20)]    // the last epoch
    public void A_dropout_network_with_Adam_resumes_to_the_same_bits(int every, long stopAfter)
    {
        Run expected = Straight(new DropoutNet(5), new Adam(), s_digits, DropoutOptions, 3);
        Run actual = Resumed(seed => new DropoutNet(seed), 5, _ => new Adam(), s_digits, DropoutOptions, 3, every, stopAfter);
        AssertSameBits(expected, actual);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 6)]     // the epoch's last step
    [InlineData(2, 13)]    // the third epoch's first step, a step after a checkpoint
    public void A_ResNet_with_every_training_option_resumes_to_the_same_bits(int every, long stopAfter)
    {
        Run expected = Straight(new TinyResNet(5), ResNetOptimizer(new TinyResNet(0)), s_images, ResNetOptions, 3);
        Run actual = Resumed(seed => new TinyResNet(seed), 5, ResNetOptimizer, s_images, ResNetOptions, 3, every, stopAfter);
        AssertSameBits(expected, actual);
        Assert.NotEqual(0, actual.Counters[0]);
    }

    [Fact]
    public void AdamW_resumes_to_the_same_bits()
    {
        static Optimizer Create(IModel model) => new AdamW(1e-3f, 0.01f) { DecayMask = DecayMask.WeightsOnly(model) };
        var options = DropoutOptions with { Schedule = new CosineSchedule(1e-3, warmupSteps: 5), ScheduledEpochs = 2 };
        Run expected = Straight(new DropoutNet(6), Create(new DropoutNet(0)), s_digits, options, 2);
        Run actual = Resumed(seed => new DropoutNet(seed), 6, Create, s_digits, options, 2, every: 4, stopAfter: 9);
        AssertSameBits(expected, actual);
    }

    [Fact]
    public void A_regressor_resumes_to_the_same_bits_and_refuses_a_classifiers_checkpoint()
    {
        var data = new RegressionData(TestData.Uniform(3 * 64, 5), TestData.Uniform(2 * 64, 6), 3, 2);
        var options = new FitOptions { BatchSize = 10, Seed = 3, ScheduledEpochs = 3, Schedule = new CosineSchedule(0.05, warmupSteps: 4) };
        var straight = new SigmoidTanhLinearNet(4);
        var expected = new RegressorTrainer<SigmoidTanhLinearNet.Workspace>(straight, new Sgd(0.05f, 0.9f), data, options);
        expected.Fit(3, data);

        string path = File("regressor.ckpt");
        var first = new SigmoidTanhLinearNet(4);
        var stop = new CancellationTokenSource();
        var trainer = new RegressorTrainer<SigmoidTanhLinearNet.Workspace>(first, new Sgd(0.05f, 0.9f), data,
            options with { Checkpoint = new CheckpointOptions(path) { EverySteps = 3 } });
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(3, data, new Reports(_ => { if (trainer.Steps == 10) stop.Cancel(); }), stop.Token));

        var second = new SigmoidTanhLinearNet(77);
        var resumed = new RegressorTrainer<SigmoidTanhLinearNet.Workspace>(second, new Sgd(0.05f, 0.9f), data, options);
        resumed.ResumeFrom(path);
        Assert.Equal(9, resumed.Steps);
        Assert.True(resumed.EpochInProgress);
        resumed.Fit(3 - (resumed.EpochsCompleted - 1), data);

        Assert.Equal(straight.Parameters, second.Parameters);
        Assert.Equal(expected.History.Select(e => e with { Seconds = 0, ValidationSeconds = 0 }), resumed.History.Select(e => e with { Seconds = 0, ValidationSeconds = 0 }));
        Assert.All(resumed.History, e => Assert.True(double.IsNaN(e.Accuracy)));

        // A classifier's checkpoint is not a regressor's, even of a network of the same shape.
        var classifier = new ClassifierTrainer<DropoutNet.Workspace>(new DropoutNet(1), new Adam(), s_digits, DropoutOptions);
        classifier.SaveCheckpoint(File("classifier.ckpt"));
        Assert.Contains("is of another network", Refusal(() => resumed.ResumeFrom(File("classifier.ckpt"))));
    }

    [Fact]
    public void Writing_checkpoints_changes_nothing_in_the_run()
    {
        Run without = Straight(new TinyResNet(8), ResNetOptimizer(new TinyResNet(0)), s_images, ResNetOptions, 2);
        Run with = Straight(new TinyResNet(8), ResNetOptimizer(new TinyResNet(0)), s_images,
            ResNetOptions with { Checkpoint = new CheckpointOptions(File("every-step.ckpt")) { EverySteps = 1 } }, 2);
        AssertSameBits(without, with);
        Assert.True(System.IO.File.Exists(File("every-step.ckpt")));
    }

    [Fact]
    public void A_checkpoint_written_from_a_progress_report_resumes_mid_epoch_and_gives_back_the_programs_entries()
    {
        var straight = new DropoutNet(3);
        var expected = new ClassifierTrainer<DropoutNet.Workspace>(straight, new Adam(), s_digits, DropoutOptions);
        EpochResult[] expectedEpochs = [expected.TrainEpoch(), expected.TrainEpoch()];

        string path = File("report.ckpt");
        var model = new DropoutNet(3);
        var trainer = new ClassifierTrainer<DropoutNet.Workspace>(model, new Adam(), s_digits, DropoutOptions);
        EpochResult firstEpoch = trainer.TrainEpoch();
        var stop = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => trainer.TrainEpoch(new Reports(r =>
        {
            if (r.Batch != 4) return;
            trainer.SaveCheckpoint(path, new Dictionary<string, string> { ["log"] = "epoch 2, batch 4" });
            stop.Cancel();
        }), stop.Token));

        var other = new DropoutNet(99);
        var resumed = new ClassifierTrainer<DropoutNet.Workspace>(other, new Adam(), s_digits, DropoutOptions);
        var app = resumed.ResumeFrom(path);
        Assert.Equal("epoch 2, batch 4", app["log"]);
        Assert.True(resumed.EpochInProgress);
        Assert.Equal(2, resumed.EpochsCompleted);
        var reports = new List<BatchProgress>();
        EpochResult secondEpoch = resumed.TrainEpoch(new Reports(reports.Add));

        Assert.Equal(straight.Parameters, other.Parameters);
        Assert.Equal([5, 6, 7], reports.Select(r => r.Batch));
        Assert.Equal(expectedEpochs[0] with { Seconds = 0 }, firstEpoch with { Seconds = 0 });
        Assert.Equal(expectedEpochs[1] with { Seconds = 0 }, secondEpoch with { Seconds = 0 });
    }

    [Fact]
    public void The_file_is_safetensors_with_the_documented_tensors_and_entries()
    {
        string path = File("format.ckpt");
        var model = new TinyResNet(1);
        var trainer = new ClassifierTrainer<TinyResNet.Workspace>(model, ResNetOptimizer(model), s_images, ResNetOptions);
        trainer.TrainEpoch();
        trainer.SaveCheckpoint(path);

        IReadOnlyDictionary<string, string> metadata = SafeTensors.ReadMetadata(path);
        Assert.Equal("1", metadata["modelgen.checkpoint"]);
        Assert.Equal(TinyResNet.Spec, metadata["modelgen.spec"]);
        Assert.Equal(64, metadata["modelgen.sha256"].Length);
        Assert.Equal("Sgd", metadata["optimizer"]);
        Assert.Equal("6", metadata["trainer.steps"]);
        Assert.Equal("false", metadata["trainer.epoch_in_progress"]);
        // Read as any safetensors reader would: 8-byte header length, JSON, then the data.
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        using var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        T[] Tensor<T>(string name, string dtype) where T : unmanaged
        {
            var entry = header.RootElement.GetProperty(name);
            Assert.Equal(dtype, entry.GetProperty("dtype").GetString());
            long begin = entry.GetProperty("data_offsets")[0].GetInt64(), end = entry.GetProperty("data_offsets")[1].GetInt64();
            T[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes.AsSpan(8 + headerLength + (int)begin, (int)(end - begin))).ToArray();
            Assert.Equal(values.Length, entry.GetProperty("shape")[0].GetInt32());
            return values;
        }
        Assert.Equal(model.Parameters, Tensor<float>("model.parameters", "F32"));
        Assert.Equal(model.State, Tensor<float>("model.state", "F32"));
        Assert.Equal(model.Counters, Tensor<long>("model.counters", "I64"));
        Assert.Equal(model.Parameters.Length, Tensor<float>("optimizer.momentum_buffer", "F32").Length);
        Assert.Equal(Enumerable.Range(0, 90), Tensor<int>("trainer.order", "I32").Order());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(8 + headerLength))), metadata["modelgen.sha256"]);
    }

    private string SavedResNetCheckpoint()
    {
        string path = File("resnet.ckpt");
        var model = new TinyResNet(1);
        var trainer = new ClassifierTrainer<TinyResNet.Workspace>(model, ResNetOptimizer(model), s_images, ResNetOptions);
        trainer.TrainEpoch();
        trainer.SaveCheckpoint(path);
        return path;
    }

    private static string Refusal(Action resume)
    {
        var e = Assert.Throws<ModelFileException>(resume);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void A_checkpoint_of_another_network_is_refused_with_one_line_and_changes_nothing()
    {
        string path = SavedResNetCheckpoint();
        var model = new DropoutNet(2);
        float[] before = (float[])model.Parameters.Clone();
        var trainer = new ClassifierTrainer<DropoutNet.Workspace>(model, new Adam(), s_digits, DropoutOptions);

        string message = Refusal(() => trainer.ResumeFrom(path));

        Assert.StartsWith(path + ": the checkpoint is of another network", message);
        Assert.Equal(before, model.Parameters);
        Assert.Equal(0, trainer.Steps);
    }

    [Theory]
    [InlineData("batch", "the batch size")]
    [InlineData("seed", "seed 9; this run has seed 10")]
    [InlineData("optimizer", "with the Sgd optimizer; this run has Adam")]
    [InlineData("data", "as training samples")]
    public void A_checkpoint_of_another_run_is_refused_saying_what_differs(string change, string expected)
    {
        string path = SavedResNetCheckpoint();
        var model = new TinyResNet(1);
        var trainer = change switch
        {
            "batch" => new ClassifierTrainer<TinyResNet.Workspace>(model, ResNetOptimizer(model), s_images, ResNetOptions with { BatchSize = 15 }),
            "seed" => new ClassifierTrainer<TinyResNet.Workspace>(model, ResNetOptimizer(model), s_images, ResNetOptions with { Seed = 10 }),
            "optimizer" => new ClassifierTrainer<TinyResNet.Workspace>(model, new Adam(), s_images, ResNetOptions),
            _ => new ClassifierTrainer<TinyResNet.Workspace>(model, ResNetOptimizer(model), new LabeledData(s_images.Inputs[..(80 * 128)], s_images.Labels[..80], 128), ResNetOptions),
        };

        Assert.Contains(expected, Refusal(() => trainer.ResumeFrom(path)));
    }

    [Theory]
    [InlineData("flip", "does not match its checksum: the file is damaged")]
    [InlineData("truncate", "the file is truncated")]
    [InlineData("empty", "the file is empty")]
    [InlineData("model", "is not a checkpoint")]
    [InlineData("missing", "there is no such file")]
    public void A_damaged_file_or_a_model_file_is_refused_with_one_line_and_changes_nothing(string damage, string expected)
    {
        string path = SavedResNetCheckpoint();
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        switch (damage)
        {
            case "flip": bytes[^100] ^= 0x10; System.IO.File.WriteAllBytes(path, bytes); break;
            case "truncate": System.IO.File.WriteAllBytes(path, bytes[..^4]); break;
            case "empty": System.IO.File.WriteAllBytes(path, []); break;
            case "model": new TinyResNet(1).Save(path); break;
            default: System.IO.File.Delete(path); break;
        }
        var model = new TinyResNet(2);
        float[] before = (float[])model.Parameters.Clone();
        var trainer = new ClassifierTrainer<TinyResNet.Workspace>(model, ResNetOptimizer(model), s_images, ResNetOptions);

        Assert.Contains(expected, Refusal(() => trainer.ResumeFrom(path)));
        Assert.Equal(before, model.Parameters);
    }

    [Fact]
    public void The_generators_state_round_trips_and_refuses_the_all_zero_state()
    {
        var random = new Xoshiro256StarStar(42);
        random.NextUInt64();
        var words = new ulong[Xoshiro256StarStar.StateWords];
        random.GetState(words);
        var copy = Xoshiro256StarStar.FromState(words);
        Assert.Equal(random.NextUInt64(), copy.NextUInt64());
        Assert.Throws<ArgumentException>(() => Xoshiro256StarStar.FromState(new ulong[4]));
    }

    private sealed class Reports(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
