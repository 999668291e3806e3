using Xunit.Sdk;

namespace ModelGen.Generator.Tests.Snapshots;

/// <summary>A failed snapshot comparison; xunit prints the message as is, without an assertion prefix.</summary>
public sealed class SnapshotMismatchException(string message) : XunitException(message);
