using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// The two halves of an import: reading one additional file (cached per file, so an edit elsewhere reuses
    /// the parsed graph) and attaching a file to the [OnnxModel] class that names it (cheap, re-run freely).
    /// </summary>
    internal static class OnnxImport
    {
        /// <summary>The first line of the text copy that build/ModelGen.targets writes.</summary>
        public const string EncodedHeader = "modelgen-onnx-base64 1";

        public const string EncodedExtension = ".onnx.b64";

        private static readonly char[] NewLine = { '\n' };

        public static bool IsCandidate(string path) =>
            path.EndsWith(EncodedExtension, StringComparison.OrdinalIgnoreCase) || path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Reads and maps one additional file; never throws (but for cancellation). A raw .onnx file (only there
        /// when ModelGen.targets did not run: it replaces the file with its text copy) is only noted, never read:
        /// the compiler turns its bytes into text lossily (invalid UTF-8 becomes U+FFFD, a leading FF FE makes it
        /// UTF-16), and asking for the text of a file with two NULs in a row fails the build with CS2015; measured
        /// with dotnet build, see runtime/build/ModelGen.targets. The bytes come from the base64 copy instead.
        /// </summary>
        public static OnnxFile? ReadFile(AdditionalText file, CancellationToken cancellationToken)
        {
            string path = OnnxPaths.Normalize(file.Path);
            if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return new OnnxFile(path, path, false, null, null);
            string text = file.GetText(cancellationToken)?.ToString() ?? "";
            return Decode(text, path, cancellationToken);
        }

        /// <summary>Decodes the text copy (header, two path lines, base64) and imports the bytes.</summary>
        public static OnnxFile? Decode(string text, string encodedPath, CancellationToken cancellationToken)
        {
            string[] lines = text.Split(NewLine, 4);
            if (lines.Length < 3 || lines[0].TrimEnd('\r') != EncodedHeader) return null; // not ours
            string projectPath = OnnxPaths.Normalize(lines[1].TrimEnd('\r'));
            string fullPath = OnnxPaths.Normalize(lines[2].TrimEnd('\r'));
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(lines.Length > 3 ? lines[3] : "");
            }
            catch (FormatException)
            {
                return new OnnxFile(projectPath, fullPath, true, null, OnnxProblem.Create(Diagnostics.OnnxFileInvalid,
                    "ModelGen's text copy of it (" + encodedPath + ") is damaged; rebuild"));
            }
            return Import(new OnnxFile(projectPath, fullPath, true, null, null), bytes, cancellationToken);
        }

        /// <summary>Parses and maps the bytes of one file.</summary>
        public static OnnxFile Import(OnnxFile file, byte[] bytes, CancellationToken cancellationToken)
        {
            try
            {
                OnnxModelProto model = OnnxReader.Read(bytes, cancellationToken);
                return file with { Network = OnnxGraphMapper.Map(model, cancellationToken) };
            }
            catch (OnnxFormatException exception)
            {
                return file with { Problem = OnnxProblem.Create(Diagnostics.OnnxFileInvalid, exception.Message) };
            }
            catch (OnnxImportException exception)
            {
                return file with { Problem = exception.Problem };
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return file with { Problem = OnnxProblem.Create(Diagnostics.InternalError, exception.GetType().Name + ": " + exception.Message) };
            }
        }

        /// <summary>The model for a declaration, or its diagnostics.</summary>
        public static ParseResult Resolve(OnnxDeclaration declaration, ImmutableArray<OnnxFile> files)
        {
            if (declaration.Diagnostics.Count > 0) return new ParseResult(null, declaration.Diagnostics);
            ParseResult Fail(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments) =>
                new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    new DiagnosticInfo(descriptor.Id, declaration.Location, new EquatableArray<string>(arguments)),
                }));

            var matches = OnnxPaths.MatchesOf(files, declaration.Path).ToList();
            var encoded = matches.Where(f => f.Encoded).ToList();
            if (encoded.Count == 0)
            {
                return matches.Count == 0
                    ? Fail(Diagnostics.OnnxFileNotFound, declaration.ClassName, declaration.Path)
                    : Fail(Diagnostics.OnnxFileNotEncoded, declaration.ClassName, declaration.Path);
            }
            // The same file can be listed twice (e.g. by two globs): only different files are ambiguous.
            var distinct = encoded.GroupBy(f => f.FullPath, StringComparer.Ordinal).Select(g => g.First()).ToList();
            if (distinct.Count > 1)
                return Fail(Diagnostics.OnnxFileAmbiguous, declaration.ClassName, declaration.Path, string.Join(", ", distinct.Select(f => f.ProjectPath)));

            OnnxFile file = distinct[0];
            if (file.Problem is { } problem)
                return Fail(Diagnostics.ById[problem.Id], new[] { declaration.Path }.Concat(problem.Arguments).ToArray());
            ImportedNetwork network = file.Network!;
            var model = new ModelSpec(declaration.Namespace, declaration.ContainingTypes, declaration.ClassName, network.Input,
                network.Layers, network.Loss,
                new ImportSpec(declaration.Path, network.InputChannelsFirst, network.Parameters, network.Description, network.State, network.Counters));
            string? conflict = NameConflict(model, declaration);
            if (conflict is not null) return Fail(Diagnostics.NameConflict, declaration.ClassName, conflict, "rename it");
            return new ParseResult(model, EquatableArray<DiagnosticInfo>.Empty);
        }

        private static string? NameConflict(ModelSpec model, OnnxDeclaration declaration)
        {
            var generated = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, _) in GeneratedMembers.For(model)) generated.Add(name);
            if (generated.Contains(declaration.ClassName))
                return "the class has the name of the generated member '" + declaration.ClassName + "'";
            foreach (string member in declaration.UserMembers)
            {
                if (member == "ctor()" || member == "ctor(ulong)")
                    return "it declares the constructor " + declaration.ClassName + member.Substring(4) + ", which the generator writes";
                if (generated.Contains(member)) return "its member '" + member + "' has the name of a generated member";
            }
            return null;
        }
    }
}
