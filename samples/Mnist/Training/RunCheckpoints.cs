using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Output;
using ModelGen.Serialization;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>What a checkpoint keeps of the sample's own run: the epochs' figures so far and the seconds spent.</summary>
public sealed record RunProgress(double Seconds, List<EpochMetrics> History);

/// <summary>
/// <c>train</c>'s checkpoints: one file, <see cref="FileName"/> in the output folder, replaced atomically every
/// <c>--checkpoint-every</c> steps and after each epoch (a kill while it is written leaves the previous one). Besides
/// the runtime's checkpoint of the trainer, it records the network, every setting that changes the result and a
/// fingerprint of the data, so that <c>--resume</c> refuses to continue a run with other settings, and the sample's
/// own history, so that the resumed run's metrics.json is the uninterrupted run's.
/// </summary>
public sealed class RunCheckpoints
{
    /// <summary>The checkpoint's name in the output folder.</summary>
    public const string FileName = "checkpoint.safetensors";

    /// <summary>
    /// A test hook, not a setting: writing a checkpoint stops half-way for this many milliseconds, after saying so on
    /// standard output, so that a test can kill the run in the middle of the write. Unset or 0 in normal use.
    /// </summary>
    public const string WriteDelayVariable = "MODELGEN_TEST_CHECKPOINT_DELAY_MS";

    /// <summary>The test hook's companion: which of the process's checkpoint writes stops (1 for the first, the default).</summary>
    public const string WriteDelayAtVariable = "MODELGEN_TEST_CHECKPOINT_DELAY_AT";

    /// <summary>What the hook prints when the file is half written.</summary>
    public const string HalfWrittenLine = "test hook: checkpoint half written";

    private const string NetworkKey = "network", DataKey = "data", OptionPrefix = "option.", RunKey = "run";

    private readonly IReadOnlyList<(string Option, string Value)> _settings;
    private readonly string _network;
    private readonly string _data;
    private readonly int _delay;
    private readonly int _delayAt;
    private int _writes;

    /// <summary>Checkpoints of a run of <paramref name="network"/> with <paramref name="options"/> on <paramref name="data"/>, in <paramref name="folder"/>.</summary>
    public RunCheckpoints(string folder, int everySteps, MnistNetwork network, TrainingOptions options, MnistData data)
    {
        Path = System.IO.Path.Combine(folder, FileName);
        EverySteps = everySteps;
        _network = network.Name;
        _settings = options.Settings();
        _data = Fingerprint(data);
        _delay = int.TryParse(Environment.GetEnvironmentVariable(WriteDelayVariable), CultureInfo.InvariantCulture, out int ms) ? Math.Max(ms, 0) : 0;
        _delayAt = int.TryParse(Environment.GetEnvironmentVariable(WriteDelayAtVariable), CultureInfo.InvariantCulture, out int at) ? at : 1;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>Steps between two checkpoints; 0: after each epoch only.</summary>
    public int EverySteps { get; }

    /// <summary>Whether the step just taken is one after which a checkpoint is due.</summary>
    public bool DueAfter(long steps) => EverySteps > 0 && steps % EverySteps == 0;

    /// <summary>Writes a checkpoint of <paramref name="trainer"/>'s run with <paramref name="progress"/>, atomically.</summary>
    public void Write(Trainer trainer, RunProgress progress)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [NetworkKey] = _network,
            [DataKey] = _data,
            [RunKey] = JsonSerializer.Serialize(progress, MetricsJsonContext.Default.RunProgress),
        };
        foreach (var (option, value) in _settings) entries[OptionPrefix + option.TrimStart('-')] = value;
        using var content = new MemoryStream();
        trainer.WriteCheckpoint(content, entries);
        byte[] bytes = content.ToArray();

        bool pause = _delay > 0 && ++_writes == _delayAt;
        using AtomicFile file = AtomicFile.Create(Path);
        int half = pause ? bytes.Length / 2 : bytes.Length;
        file.Stream.Write(bytes, 0, half);
        if (pause)
        {
            file.Stream.Flush();
            Console.Out.WriteLine(HalfWrittenLine);
            Console.Out.Flush();
            Thread.Sleep(_delay);
        }
        file.Stream.Write(bytes, half, bytes.Length - half);
        file.Commit();
    }

    /// <summary>
    /// Puts <paramref name="trainer"/> back where the checkpoint left its run and returns the sample's progress, or null
    /// when there is no checkpoint. A checkpoint of another network, settings or data, or a damaged one, is a one-line
    /// error that says what differs.
    /// </summary>
    public RunProgress? Resume(Trainer trainer)
    {
        if (!File.Exists(Path)) return null;
        try
        {
            IReadOnlyDictionary<string, string> saved = SafeTensors.ReadMetadata(Path);
            string Saved(string key) => saved.TryGetValue("app." + key, out string? value) ? value
                : throw new SampleException($"--resume: '{Path}' is not a checkpoint of train (it has no '{key}' entry); move it away, or train without --resume to start over.");
            if (Saved(NetworkKey) != _network)
                throw Different($"is a checkpoint of the {Saved(NetworkKey)} network; this run trains {_network}");
            foreach (var (option, value) in _settings)
                if (Saved(OptionPrefix + option.TrimStart('-')) is var before && before != value)
                    throw Different($"was written by a run with {option} {before}; this one has {option} {value}");
            if (Saved(DataKey) != _data)
                throw Different("was written by a run on other data; this one's --data differs");

            IReadOnlyDictionary<string, string> entries = trainer.ResumeFrom(Path);
            return JsonSerializer.Deserialize(entries[RunKey], MetricsJsonContext.Default.RunProgress)
                ?? throw new SampleException($"--resume: '{Path}' has no progress of the run.");
        }
        catch (ModelFileException e)
        {
            throw new SampleException($"--resume: {e.Message}; move it away, or train without --resume to start over.", e);
        }
        catch (JsonException e)
        {
            throw new SampleException($"--resume: '{Path}' holds a run's progress that cannot be read ({e.Message}).", e);
        }
    }

    private SampleException Different(string what) =>
        new($"--resume: '{Path}' {what}: give the same options as the run you resume, or train without --resume to start over.");

    // Which data a run trained and tested on, without keeping it: a hash of both sets' pixels and labels.
    private static string Fingerprint(MnistData data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (MnistSet set in new[] { data.Train, data.Test })
        {
            hash.AppendData(MemoryMarshal.AsBytes(set.Pixels.AsSpan()));
            hash.AppendData(MemoryMarshal.AsBytes(set.Labels.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
