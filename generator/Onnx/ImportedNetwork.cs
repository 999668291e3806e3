using System;
using System.Collections.Generic;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// An immutable float array compared by content. The hash of the bits is computed once, so comparing two
    /// imports of different files costs one integer comparison, and only equal hashes compare the values.
    /// </summary>
    internal sealed class FloatData : IEquatable<FloatData>
    {
        private readonly float[] _values;
        private readonly int _hash;

        public FloatData(float[] values)
        {
            _values = values;
            unchecked
            {
                // FNV-1a over the bit patterns: -0 and 0, and different NaNs, stay different, as in the file.
                uint hash = 2166136261;
                foreach (float value in values) hash = (hash ^ (uint)BitConverter.ToInt32(BitConverter.GetBytes(value), 0)) * 16777619;
                _hash = (int)hash;
            }
        }

        public int Count => _values.Length;

        public float this[int index] => _values[index];

        public bool Equals(FloatData? other)
        {
            if (other is null) return false;
            if (ReferenceEquals(this, other)) return true;
            if (_hash != other._hash || _values.Length != other._values.Length) return false;
            for (int i = 0; i < _values.Length; i++)
            {
                if (BitConverter.ToInt32(BitConverter.GetBytes(_values[i]), 0) != BitConverter.ToInt32(BitConverter.GetBytes(other._values[i]), 0)) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is FloatData other && Equals(other);

        public override int GetHashCode() => _hash;
    }

    /// <summary>
    /// An ONNX file mapped onto ModelGen's layer vocabulary: everything the emitter needs besides the class it
    /// goes into. Value-equatable, so an edit elsewhere in the project reuses it without parsing the file again.
    /// </summary>
    /// <param name="Input">One sample's input as ModelGen holds it: channels-last.</param>
    /// <param name="InputChannelsFirst">Whether the file declares the input as [N, C, H, W]: the generated class then takes that layout.</param>
    /// <param name="Parameters">Every parameter in ModelGen's order and layouts (layer by layer, W then b).</param>
    /// <param name="Description">The file's producer and opset, for the generated file's header.</param>
    /// <param name="State">The saved values that are not trained (BatchNormalization's running statistics), in the order of State.</param>
    /// <param name="Counters">The saved int64 counters (num_batches_tracked), in the order of Counters.</param>
    internal sealed record ImportedNetwork(
        Shape Input,
        bool InputChannelsFirst,
        EquatableArray<LayerSpec> Layers,
        LossKind Loss,
        FloatData Parameters,
        string Description,
        FloatData State,
        EquatableArray<long> Counters);

    /// <summary>Why a file cannot be imported: a diagnostic ID and its arguments after the file's name.</summary>
    internal sealed record OnnxProblem(string Id, EquatableArray<string> Arguments)
    {
        public static OnnxProblem Create(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments) =>
            new OnnxProblem(descriptor.Id, new EquatableArray<string>(arguments));
    }

    /// <summary>Thrown inside the mapper to stop at the first problem; the import step catches it.</summary>
    internal sealed class OnnxImportException : Exception
    {
        public OnnxImportException(OnnxProblem problem) : base(problem.Id) => Problem = problem;

        public OnnxImportException() { Problem = new OnnxProblem("", EquatableArray<string>.Empty); }

        public OnnxImportException(string message) : base(message) { Problem = new OnnxProblem("", EquatableArray<string>.Empty); }

        public OnnxImportException(string message, Exception innerException) : base(message, innerException) { Problem = new OnnxProblem("", EquatableArray<string>.Empty); }

        public OnnxProblem Problem { get; }
    }

    /// <summary>
    /// One additional file the importer looked at: the encoded copy the build step wrote (or a raw .onnx file,
    /// which means that step did not run), with what came of it.
    /// </summary>
    /// <param name="ProjectPath">The item as the project names it, e.g. "models/digits.onnx" (separators normalised to '/').</param>
    /// <param name="FullPath">The .onnx file's full path (separators normalised to '/').</param>
    /// <param name="Encoded">False for a raw .onnx additional file, which the generator cannot read.</param>
    internal sealed record OnnxFile(string ProjectPath, string FullPath, bool Encoded, ImportedNetwork? Network, OnnxProblem? Problem);

    /// <summary>Path helpers shared by the file step and the declaration step.</summary>
    internal static class OnnxPaths
    {
        public static string Normalize(string path)
        {
            string normalized = path.Replace('\\', '/');
            while (normalized.StartsWith("./", StringComparison.Ordinal)) normalized = normalized.Substring(2);
            return normalized;
        }

        /// <summary>Whether <paramref name="file"/> is the file an [OnnxModel] path names.</summary>
        public static bool Matches(OnnxFile file, string requested)
        {
            string path = Normalize(requested);
            if (path.Length == 0) return false;
            if (string.Equals(file.ProjectPath, path, StringComparison.Ordinal) || string.Equals(file.FullPath, path, StringComparison.Ordinal)) return true;
            return file.FullPath.EndsWith("/" + path, StringComparison.Ordinal);
        }

        public static IEnumerable<OnnxFile> MatchesOf(IEnumerable<OnnxFile> files, string requested)
        {
            foreach (OnnxFile file in files) if (Matches(file, requested)) yield return file;
        }
    }
}
