// The GLIBCXX_3.4.32 fix for TorchSharp's native library, compiled by MSBuild's RoslynCodeTaskFactory
// (see PatchLibTorchSharp.targets) and, without the task class, by the TorchSharp tests, which check
// the ELF logic directly. One file because RoslynCodeTaskFactory takes one source file; it targets
// netstandard2.0, so this code uses byte arrays rather than spans.
//
// Why: libLibTorchSharp.so 0.107.0 was linked against GCC 13's libstdc++ and so requires the symbol
// version GLIBCXX_3.4.32, which older libstdc++ (Debian 12, Ubuntu 22.04, RHEL 9, ...) lacks, and the
// loader refuses the library. The only symbol bound to that version is _ZSt21ios_base_library_initv,
// a link-time marker GCC 13's <iostream> emits and nothing calls. Marking the version requirement weak
// (VER_FLG_WEAK in its Elf64_Vernaux entry) lets glibc's loader accept its absence.
#nullable enable

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace ModelGen.Build
{
    /// <summary>What <see cref="GlibcxxPatch.MarkWeak"/> did.</summary>
    public enum PatchOutcome
    {
        /// <summary>The requirement was strong and is now weak.</summary>
        Patched,
        /// <summary>The requirement was already weak: the file was not written.</summary>
        AlreadyWeak,
    }

    /// <summary>A file that does not have the ELF layout the patch expects.</summary>
    public sealed class ElfLayoutException : Exception
    {
        /// <summary>Creates the error for <paramref name="path"/>.</summary>
        public ElfLayoutException(string path, string problem) : base(path + ": " + problem) { }
    }

    /// <summary>One version requirement of a shared library (an Elf64_Vernaux entry of .gnu.version_r).</summary>
    public sealed class VersionNeed
    {
        internal VersionNeed(string file, string name, ushort flags, int flagsOffset)
        {
            File = file;
            Name = name;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library the version is needed from, e.g. libstdc++.so.6.</summary>
        public string File { get; }

        /// <summary>The version name, e.g. GLIBCXX_3.4.32.</summary>
        public string Name { get; }

        /// <summary>vna_flags: VER_FLG_WEAK (0x2) means the loader tolerates the version's absence.</summary>
        public ushort Flags { get; }

        /// <summary>Where vna_flags is in the file.</summary>
        public int FlagsOffset { get; }

        /// <summary>Whether the requirement is weak.</summary>
        public bool IsWeak => (Flags & GlibcxxPatch.VerFlagWeak) != 0;
    }

    /// <summary>
    /// A minimal reader of ELF64 little-endian shared libraries: just the section headers, the version
    /// requirements (.gnu.version_r) and the version definitions (.gnu.version_d).
    /// </summary>
    public sealed class ElfFile
    {
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        private readonly byte[] _data;
        private readonly string _path;
        private readonly List<Section> _sections = new List<Section>();

        private struct Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;
        }

        private ElfFile(byte[] data, string path)
        {
            _data = data;
            _path = path;
            if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
                throw Bad("not an ELF file");
            if (data[4] != 2) throw Bad("not a 64-bit ELF file (EI_CLASS is " + data[4] + ", expected 2)");
            if (data[5] != 1) throw Bad("not a little-endian ELF file (EI_DATA is " + data[5] + ", expected 1)");
            Machine = U16(0x12);
            long shoff = (long)U64(0x28);
            int shentsize = U16(0x3a);
            long shnum = U16(0x3c);
            if (shoff == 0) throw Bad("has no section headers");
            if (shentsize != 64) throw Bad("section header size is " + shentsize + ", expected 64");
            if (shnum == 0) shnum = (long)U64(Check(shoff, 64) + 32); // extended numbering: the count is in section 0's sh_size
            if (shnum <= 0 || shoff < 0 || shoff > data.Length || shnum > (data.Length - shoff) / 64) throw Bad("section header table lies outside the file");
            for (long i = 0; i < shnum; i++)
            {
                int h = (int)(shoff + i * 64);
                _sections.Add(new Section
                {
                    Type = U32(h + 4),
                    Offset = (long)U64(h + 24),
                    Size = (long)U64(h + 32),
                    Link = U32(h + 40),
                    Info = U32(h + 44),
                });
            }
        }

        /// <summary>e_machine: 62 is x86-64, 183 is AArch64.</summary>
        public int Machine { get; }

        /// <summary>Reads <paramref name="path"/> (following symbolic links).</summary>
        public static ElfFile Read(string path) => new ElfFile(System.IO.File.ReadAllBytes(path), path);

        /// <summary>Parses an ELF image held in memory; <paramref name="path"/> only names it in errors.</summary>
        public static ElfFile Parse(byte[] data, string path) => new ElfFile(data, path);

        /// <summary>Whether the library has a .gnu.version_r section.</summary>
        public bool HasVersionNeeds => _sections.Exists(s => s.Type == ShtGnuVerneed);

        /// <summary>Every version requirement, in file order (Elf64_Verneed entries, each with its Elf64_Vernaux list).</summary>
        public List<VersionNeed> ReadVersionNeeds()
        {
            var needs = new List<VersionNeed>();
            foreach (Section section in _sections)
            {
                if (section.Type != ShtGnuVerneed) continue;
                Section strings = StringTable(section);
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++) // sh_info: the number of Elf64_Verneed entries
                {
                    int vn = (int)Check(entry, 16);
                    ushort count = U16(vn + 2);
                    string file = ReadString(strings, U32(vn + 4));
                    long aux = entry + U32(vn + 8);
                    for (int j = 0; j < count; j++)
                    {
                        int vna = (int)Check(aux, 16);
                        needs.Add(new VersionNeed(file, ReadString(strings, U32(vna + 8)), U16(vna + 4), vna + 4));
                        uint nextAux = U32(vna + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(vn + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return needs;
        }

        /// <summary>Every version the library defines (Elf64_Verdef entries' first names), e.g. GLIBCXX_3.4.30.</summary>
        public List<string> ReadVersionDefinitions()
        {
            var names = new List<string>();
            foreach (Section section in _sections)
            {
                if (section.Type != ShtGnuVerdef) continue;
                Section strings = StringTable(section);
                long entry = section.Offset;
                for (uint i = 0; i < section.Info; i++) // sh_info: the number of Elf64_Verdef entries
                {
                    int vd = (int)Check(entry, 20);
                    if (U16(vd + 6) > 0) names.Add(ReadString(strings, U32((int)Check(entry + U32(vd + 12), 8))));
                    uint next = U32(vd + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return names;
        }

        private Section StringTable(Section section)
        {
            if (section.Link >= _sections.Count) throw Bad("a version section links to section " + section.Link + ", which does not exist");
            return _sections[(int)section.Link];
        }

        private string ReadString(Section strings, uint offset)
        {
            if (offset >= strings.Size) throw Bad("a version name lies outside its string table");
            long start = Check(strings.Offset + offset, 1);
            long end = start;
            long limit = Math.Min(_data.Length, strings.Offset + strings.Size);
            while (end < limit && _data[end] != 0) end++;
            return Encoding.ASCII.GetString(_data, (int)start, (int)(end - start));
        }

        private long Check(long offset, int length)
        {
            if (offset < 0 || offset + length > _data.Length) throw Bad("a version entry lies outside the file");
            return offset;
        }

        private ushort U16(int offset) => (ushort)(_data[offset] | _data[offset + 1] << 8);

        private uint U32(int offset) => (uint)(_data[offset] | _data[offset + 1] << 8 | _data[offset + 2] << 16 | _data[offset + 3] << 24);

        private ulong U64(long offset) => U32((int)offset) | (ulong)U32((int)offset + 4) << 32;

        private ElfLayoutException Bad(string problem) => new ElfLayoutException(_path, problem);
    }

    /// <summary>The patch itself: decide whether it is needed, and mark the requirement weak in a copy.</summary>
    public static class GlibcxxPatch
    {
        /// <summary>The version GCC 13's libstdc++ introduced and libLibTorchSharp.so requires.</summary>
        public const string Version = "GLIBCXX_3.4.32";

        /// <summary>VER_FLG_WEAK in vna_flags.</summary>
        public const ushort VerFlagWeak = 0x2;

        private static readonly string[] StandardDirectories =
        {
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
        };

        /// <summary>
        /// The libstdc++.so.6 the dynamic loader would pick for a library in <paramref name="libraryDirectory"/>:
        /// LD_LIBRARY_PATH, the library's own folder (its RUNPATH starts with $ORIGIN), the ld.so cache,
        /// then the standard folders. Null if there is none.
        /// </summary>
        public static string? FindLibStdCxx(string? libraryDirectory, bool aarch64 = false)
        {
            var candidates = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
                foreach (string dir in ldPath!.Split(':')) if (dir.Length > 0) candidates.Add(Path.Combine(dir, "libstdc++.so.6"));
            if (libraryDirectory != null) candidates.Add(Path.Combine(libraryDirectory, "libstdc++.so.6"));
            candidates.AddRange(FromLdconfigCache(aarch64 ? "AArch64" : "x86-64"));
            foreach (string dir in StandardDirectories) candidates.Add(Path.Combine(dir, "libstdc++.so.6"));
            foreach (string candidate in candidates) if (System.IO.File.Exists(candidate)) return candidate;
            return null;
        }

        /// <summary>Whether the library at <paramref name="libStdCxxPath"/> defines <see cref="Version"/>.</summary>
        public static bool Defines(string libStdCxxPath) => ElfFile.Read(libStdCxxPath).ReadVersionDefinitions().Contains(Version);

        /// <summary>The <see cref="Version"/> requirement of <paramref name="elf"/>; throws if it has none.</summary>
        public static VersionNeed FindRequirement(ElfFile elf, string path)
        {
            if (!elf.HasVersionNeeds) throw new ElfLayoutException(path, "has no .gnu.version_r (SHT_GNU_verneed) section");
            VersionNeed? need = elf.ReadVersionNeeds().Find(n => n.Name == Version);
            if (need == null) throw new ElfLayoutException(path, "has no " + Version + " version requirement");
            return need;
        }

        /// <summary>
        /// Marks the <see cref="Version"/> requirement of the library at <paramref name="path"/> weak. The file is
        /// rewritten through a copy and a rename, so if <paramref name="path"/> is a symbolic or hard link
        /// (into the NuGet cache, say) only this name gets the patched file and the link's target stays as it was.
        /// </summary>
        public static PatchOutcome MarkWeak(string path)
        {
            byte[] data = System.IO.File.ReadAllBytes(path);
            VersionNeed need = FindRequirement(ElfFile.Parse(data, path), path);
            if (need.IsWeak) return PatchOutcome.AlreadyWeak;

            ushort flags = (ushort)(need.Flags | VerFlagWeak);
            data[need.FlagsOffset] = (byte)flags;
            data[need.FlagsOffset + 1] = (byte)(flags >> 8);

            string temp = path + ".patching-" + Guid.NewGuid().ToString("N");
            try
            {
                DateTime copied = System.IO.File.GetLastWriteTimeUtc(path);
                System.IO.File.Copy(path, temp); // keeps the file mode; the content is replaced next
                System.IO.File.WriteAllBytes(temp, data);
                // Keep the time the build's copy step gave the file: its incremental check (same size and
                // time = up to date) then leaves the patched file alone on the next build instead of
                // copying the original over it again.
                System.IO.File.SetLastWriteTimeUtc(temp, copied);
                if (!FindRequirement(ElfFile.Read(temp), temp).IsWeak) throw new ElfLayoutException(path, "the patched copy does not read back as weak");
                System.IO.File.Replace(temp, path, null); // rename(2) on Unix: atomic, and replaces a link rather than writing through it
            }
            finally
            {
                if (System.IO.File.Exists(temp)) System.IO.File.Delete(temp);
            }
            return PatchOutcome.Patched;
        }

        // `ldconfig -p` lines look like "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6".
        private static List<string> FromLdconfigCache(string architecture)
        {
            var found = new List<string>();
            foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
            {
                if (!System.IO.File.Exists(ldconfig)) continue;
                try
                {
                    var start = new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false, CreateNoWindow = true };
                    using (Process? process = Process.Start(start))
                    {
                        if (process == null) continue;
                        string output = process.StandardOutput.ReadToEnd();
                        process.WaitForExit();
                        foreach (string line in output.Split('\n'))
                        {
                            string trimmed = line.Trim();
                            int arrow = trimmed.IndexOf("=>", StringComparison.Ordinal);
                            if (!trimmed.StartsWith("libstdc++.so.6 ", StringComparison.Ordinal) || arrow < 0) continue;
                            if (trimmed.IndexOf(architecture, StringComparison.Ordinal) < 0) continue;
                            found.Add(trimmed.Substring(arrow + 2).Trim());
                        }
                    }
                    break;
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    // Not runnable here: fall back to the standard folders.
                }
            }
            return found;
        }
    }

#if !MODELGEN_ELF_ONLY
    /// <summary>
    /// MSBuild task: for each output copy of libLibTorchSharp.so, if the machine's libstdc++ lacks
    /// GLIBCXX_3.4.32, mark that requirement weak. Never touches a machine whose libstdc++ has it.
    /// </summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        private const string Readme = "see README, \"TorchSharp on Linux distributions older than GCC 13\"";

        /// <summary>The output copies of libLibTorchSharp.so (never the NuGet cache's).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (Microsoft.Build.Framework.ITaskItem item in Libraries)
            {
                string library = item.GetMetadata("FullPath");
                try
                {
                    if (!System.IO.File.Exists(library))
                    {
                        Log.LogError(null, "MGTS001", null, library, 0, 0, 0, 0, "libLibTorchSharp.so is not in the output folder; TorchSharp's native files were not copied there.");
                        continue;
                    }
                    ElfFile elf = ElfFile.Read(library);
                    GlibcxxPatch.FindRequirement(elf, library); // checks the layout on every machine, patched or not
                    string? libStdCxx = GlibcxxPatch.FindLibStdCxx(Path.GetDirectoryName(library), elf.Machine == 183);
                    if (libStdCxx == null)
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            "PatchLibTorchSharp: no libstdc++.so.6 found on this machine, so " + library + " is left as shipped.");
                        continue;
                    }
                    if (GlibcxxPatch.Defines(libStdCxx))
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                            "PatchLibTorchSharp: " + libStdCxx + " provides " + GlibcxxPatch.Version + "; " + library + " is left as shipped.");
                        continue;
                    }
                    PatchOutcome outcome = GlibcxxPatch.MarkWeak(library);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, outcome == PatchOutcome.Patched
                        ? "PatchLibTorchSharp: " + libStdCxx + " lacks " + GlibcxxPatch.Version + " (it predates GCC 13), so the output copy " + library
                          + " now requires that version weakly (VER_FLG_WEAK); the NuGet cache copy is untouched (" + Readme + ")."
                        : "PatchLibTorchSharp: " + libStdCxx + " lacks " + GlibcxxPatch.Version + "; the output copy " + library
                          + " already requires it weakly, nothing to do (" + Readme + ").");
                }
                catch (ElfLayoutException e)
                {
                    Log.LogError(null, "MGTS002", null, library, 0, 0, 0, 0,
                        "Cannot apply the " + GlibcxxPatch.Version + " fix: " + e.Message + ". The file does not have the layout the fix expects (" + Readme + ").");
                }
                catch (IOException e)
                {
                    Log.LogError(null, "MGTS003", null, library, 0, 0, 0, 0, "Cannot apply the " + GlibcxxPatch.Version + " fix: " + e.Message);
                }
                catch (UnauthorizedAccessException e)
                {
                    Log.LogError(null, "MGTS003", null, library, 0, 0, 0, 0, "Cannot apply the " + GlibcxxPatch.Version + " fix: " + e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
