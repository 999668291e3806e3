namespace ModelGen.ReferenceTests.Graph;

/// <summary>
/// The generated graph models' tensors under PyTorch's state_dict names, through their own Save (read back with
/// <see cref="MinimalSafeTensors"/>, not ModelGen's reader): parameters, running statistics and counters, and
/// gradients carried through a second instance's Parameters, so every comparison is tensor by tensor in PyTorch's layouts.
/// </summary>
public sealed class GraphFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-graph-twins-").FullName;
    private int _files;

    /// <summary>A new path in the temporary folder.</summary>
    public string NewPath(string name) => Path.Combine(_folder, $"{name}.{_files++}.safetensors");

    /// <summary>What the generated Save writes, by name.</summary>
    public Dictionary<string, NamedTensor> Saved(IGraphSubject subject)
    {
        string path = NewPath(subject.Name);
        subject.Model.Save(path);
        return MinimalSafeTensors.Read(path);
    }

    /// <summary>
    /// Values in the generated Parameters layout (gradients) as PyTorch's state_dict tensors: written into the Parameters
    /// of a second instance, which Save then writes under PyTorch's names and layouts. Only the parameters are returned.
    /// </summary>
    public Dictionary<string, NamedTensor> InPyTorchLayout(IGraphSubject subject, float[] flat, IEnumerable<string> parameterNames)
    {
        IGraphSubject carrier = subject.Another();
        Assert.Equal(carrier.Model.Parameters.Length, flat.Length);
        flat.CopyTo(carrier.Model.Parameters, 0);
        Dictionary<string, NamedTensor> saved = Saved(carrier);
        return parameterNames.ToDictionary(n => n, n => saved.TryGetValue(n, out NamedTensor? t) ? t : throw new InvalidOperationException($"The generated Save does not write {n}."));
    }

    /// <summary>
    /// Gives the model non-trivial values where its initialisation has constants: BatchNormalization γ in [0.5, 4) (large
    /// enough that a ReLU6 after it clips some values at 6),
    /// β, every bias and the running means in [-0.5, 0.5), running variances in [0.5, 2), num_batches_tracked 3; then
    /// loads them with the generated Load (the file written by <see cref="MinimalSafeTensors"/>).
    /// </summary>
    public void Perturb(IGraphSubject subject, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        Dictionary<string, NamedTensor> saved = Saved(subject);
        var changed = new List<(string, NamedTensor)>();
        foreach ((string name, NamedTensor t) in saved)
        {
            float Uniform(float low, float high) => low + (high - low) * random.NextSingle();
            NamedTensor updated = name switch
            {
                _ when name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) => NamedTensor.OfInt64(t.Shape, [3]),
                _ when name.EndsWith(".running_var", StringComparison.Ordinal) => t with { Values = t.Values.Select(_ => Uniform(0.5f, 2f)).ToArray() },
                _ when name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal)
                    => t with { Values = t.Values.Select(_ => Uniform(-0.5f, 0.5f)).ToArray() },
                // A BatchNorm weight (γ) is the only 1-D weight.
                _ when name.EndsWith(".weight", StringComparison.Ordinal) && t.Shape.Length == 1 => t with { Values = t.Values.Select(_ => Uniform(0.5f, 4f)).ToArray() },
                _ => t,
            };
            changed.Add((name, updated));
        }
        string path = NewPath(subject.Name + ".perturbed");
        MinimalSafeTensors.Write(path, changed);
        subject.Model.Load(path);
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
