using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Harness;

namespace ModelGen.Generator.Tests.DiagnosticCorpus;

/// <summary>
/// Every member the generator writes is guarded by MG0018: a user member of the same name is refused
/// with a clear diagnostic instead of a compiler error inside generated code. The list of names comes
/// from real generated code, so a member added to the emitter without a guard fails this test.
/// </summary>
public sealed class NameConflictTests
{
    private const string Declaration = """
        using ModelGen;

        namespace Demo;

        [Model, Input(6), Dense(5, Activation.ReLU, Name = "Hidden"), Dense(3, Activation.Softmax, Name = "Output")]
        public partial class Net
        {
        MEMBER
        }
        """;

    public static TheoryData<string> GeneratedMemberNames()
    {
        GeneratorRun run = GeneratorHarness.Run(Declaration.Replace("MEMBER", ""));
        Assert.Empty(run.OutputProblems);
        INamedTypeSymbol net = run.OutputCompilation.GetTypeByMetadataName("Demo.Net")!;
        var names = net.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor })
            .Where(m => m is not IMethodSymbol { AssociatedSymbol: not null }) // property getters
            .Where(m => !m.Name.Contains('.', StringComparison.Ordinal)) // explicit interface implementations cannot collide
            .Select(m => m.Name)
            .Distinct()
            .Order(StringComparer.Ordinal);
        return new TheoryData<string>(names);
    }

    [Theory]
    [MemberData(nameof(GeneratedMemberNames))]
    public void A_user_member_with_a_generated_name_is_refused(string name)
    {
        GeneratorRun run = GeneratorHarness.Run(Declaration.Replace("MEMBER", $"    public int {name} => 0;"));
        GeneratorAssert.DidNotCrash(run);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id.StartsWith("MG", StringComparison.Ordinal));
        Assert.Equal("MG0018", diagnostic.Id);
        Assert.Contains($"'{name}'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.GeneratedFiles);
    }

    [Fact]
    public void The_member_list_is_not_trivially_empty()
    {
        // Guards the theory above against an empty data source.
        Assert.True(GeneratedMemberNames().Count > 40);
    }
}
