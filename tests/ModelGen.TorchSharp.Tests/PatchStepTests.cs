using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ModelGen.Build;
using Xunit.Abstractions;

namespace ModelGen.ReferenceTests;

/// <summary>
/// The GLIBCXX_3.4.32 build step (build/PatchLibTorchSharp.targets and .cs): what the build did to this
/// test assembly's output, and the ELF logic on copies of the real library and on malformed files.
/// </summary>
public sealed class PatchStepTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-patch-").FullName;

    /// <summary>The NuGet cache copy of libLibTorchSharp.so, recorded at build time (see the project file).</summary>
    private static string PackageCopy =>
        typeof(PatchStepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LibTorchSharpPackageCopy").Value
        ?? throw new InvalidOperationException("The build did not record the package copy of libLibTorchSharp.so.");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Output_copy_requires_the_version_weakly_exactly_when_this_machine_lacks_it()
    {
        string library = TorchRuntime.OutputLibrary;
        Assert.True(File.Exists(library), $"The build did not put {library} in the test output.");
        string libStdCxx = GlibcxxPatch.FindLibStdCxx(Path.GetDirectoryName(library))
            ?? throw new InvalidOperationException("No libstdc++.so.6 on this machine.");
        bool machineHasIt = GlibcxxPatch.Defines(libStdCxx);
        VersionNeed need = GlibcxxPatch.FindRequirement(ElfFile.Read(library), library);
        output.WriteLine($"{libStdCxx} defines {GlibcxxPatch.Version}: {machineHasIt}; output copy requires it {(need.IsWeak ? "weakly" : "strongly")} (vna_flags 0x{need.Flags:x})");
        Assert.Equal(!machineHasIt, need.IsWeak);
    }

    [Fact]
    public void NuGet_cache_copy_is_as_shipped_and_the_output_copy_differs_from_it_only_in_that_flag()
    {
        string cached = PackageCopy, library = TorchRuntime.OutputLibrary;
        Assert.False(Path.GetFullPath(cached).StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal),
            $"The recorded package copy {cached} is inside the test output; it must be the NuGet cache's file.");
        VersionNeed cachedNeed = GlibcxxPatch.FindRequirement(ElfFile.Read(cached), cached);
        Assert.False(cachedNeed.IsWeak, $"{cached} (the NuGet cache) has been patched: the build must only patch its output copy.");

        byte[] original = File.ReadAllBytes(cached), copy = File.ReadAllBytes(library);
        Assert.Equal(original.Length, copy.Length);
        var differences = Enumerable.Range(0, original.Length).Where(i => original[i] != copy[i]).ToList();
        output.WriteLine($"{cached}: sha256 {Convert.ToHexString(SHA256.HashData(original))}");
        output.WriteLine($"{library}: bytes differing from it at {string.Join(", ", differences)} (vna_flags of {GlibcxxPatch.Version} at {cachedNeed.FlagsOffset})");
        Assert.All(differences, i => Assert.True(i == cachedNeed.FlagsOffset, $"The output copy differs from the package's at byte {i}, not only in the flag at {cachedNeed.FlagsOffset}."));
    }

    [Fact]
    public void MarkWeak_patches_once_then_reports_already_weak_without_writing()
    {
        string library = CopyOfPackageLibrary("once.so");
        Assert.Equal(PatchOutcome.Patched, GlibcxxPatch.MarkWeak(library));
        VersionNeed need = GlibcxxPatch.FindRequirement(ElfFile.Read(library), library);
        Assert.True(need.IsWeak);
        Assert.Equal(GlibcxxPatch.VerFlagWeak, need.Flags); // "Flags: none" before, so exactly VER_FLG_WEAK now
        Assert.Equal("libstdc++.so.6", need.File);

        byte[] patched = File.ReadAllBytes(library);
        DateTime written = File.GetLastWriteTimeUtc(library);
        Assert.Equal(PatchOutcome.AlreadyWeak, GlibcxxPatch.MarkWeak(library));
        Assert.Equal(patched, File.ReadAllBytes(library));
        Assert.Equal(written, File.GetLastWriteTimeUtc(library));
    }

    [Fact]
    public void MarkWeak_on_a_symbolic_link_replaces_the_link_and_leaves_its_target_alone()
    {
        string target = CopyOfPackageLibrary("target.so");
        string link = Path.Combine(_folder, "link.so");
        File.CreateSymbolicLink(link, target);
        byte[] before = File.ReadAllBytes(target);

        Assert.Equal(PatchOutcome.Patched, GlibcxxPatch.MarkWeak(link));
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.True(GlibcxxPatch.FindRequirement(ElfFile.Read(link), link).IsWeak);
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Fact]
    public void MarkWeak_on_a_hard_link_gives_the_patched_file_to_that_name_only()
    {
        Assert.True(OperatingSystem.IsLinux(), "Hard links are made with link(2): this test runs on Linux, where the patch applies.");
        string original = CopyOfPackageLibrary("original.so");
        string hardLink = Path.Combine(_folder, "hardlink.so");
        Assert.True(Link(CPath(original), CPath(hardLink)) == 0, $"link(2) failed: errno {Marshal.GetLastWin32Error()}");
        byte[] before = File.ReadAllBytes(original);

        Assert.Equal(PatchOutcome.Patched, GlibcxxPatch.MarkWeak(hardLink));
        Assert.True(GlibcxxPatch.FindRequirement(ElfFile.Read(hardLink), hardLink).IsWeak);
        Assert.Equal(before, File.ReadAllBytes(original));
    }

    public static TheoryData<string, string> MalformedFiles() => new()
    {
        { "text", "not an ELF file" },
        { "elf32", "not a 64-bit ELF file" },
        { "bigendian", "not a little-endian ELF file" },
        { "no-verneed", "has no .gnu.version_r (SHT_GNU_verneed) section" },
        { "libc10", "has no GLIBCXX_3.4.32 version requirement" },
    };

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Files_without_the_expected_layout_are_rejected_naming_the_file_and_the_problem(string kind, string problem)
    {
        string path = Path.Combine(_folder, kind + ".so");
        byte[] package = File.ReadAllBytes(PackageCopy);
        byte[] content = kind switch
        {
            "text" => "#!/bin/sh\necho not a library\n"u8.ToArray(),
            "elf32" => WithByte(package, 4, 1),
            "bigendian" => WithByte(package, 5, 2),
            "no-verneed" => ElfWithOnlyANullSection(),
            // A real libtorch library from the output, which needs nothing from GCC 13's libstdc++.
            "libc10" => File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(TorchRuntime.OutputLibrary)!, "libc10.so")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        File.WriteAllBytes(path, content);

        ElfLayoutException error = Assert.Throws<ElfLayoutException>(() => GlibcxxPatch.MarkWeak(path));
        output.WriteLine(error.Message);
        Assert.StartsWith(path + ": " + problem, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    private string CopyOfPackageLibrary(string name)
    {
        string path = Path.Combine(_folder, name);
        File.Copy(PackageCopy, path);
        return path;
    }

    private static byte[] WithByte(byte[] data, int index, byte value)
    {
        byte[] copy = (byte[])data.Clone();
        copy[index] = value;
        return copy;
    }

    // A well-formed ELF64 LE header whose section header table holds just the null section.
    private static byte[] ElfWithOnlyANullSection()
    {
        var data = new byte[64 + 64];
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }.CopyTo(data, 0);
        BitConverter.TryWriteBytes(data.AsSpan(0x10), (ushort)3);  // e_type ET_DYN
        BitConverter.TryWriteBytes(data.AsSpan(0x12), (ushort)62); // e_machine x86-64
        BitConverter.TryWriteBytes(data.AsSpan(0x28), 64UL);       // e_shoff
        BitConverter.TryWriteBytes(data.AsSpan(0x3a), (ushort)64); // e_shentsize
        BitConverter.TryWriteBytes(data.AsSpan(0x3c), (ushort)1);  // e_shnum
        return data;
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(byte[] existing, byte[] newName);

    // NUL-terminated UTF-8, as link(2) expects.
    private static byte[] CPath(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");
}
