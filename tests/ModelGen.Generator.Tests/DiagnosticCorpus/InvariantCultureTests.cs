using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Harness;

namespace ModelGen.Generator.Tests.DiagnosticCorpus;

/// <summary>
/// Diagnostic arguments are formatted with the invariant culture: under a culture whose negative sign
/// is U+2212 (Swedish) or that groups digits differently, messages read the same as everywhere else.
/// </summary>
public sealed class InvariantCultureTests
{
    [Theory]
    [InlineData("sv-SE")]
    [InlineData("fa-IR")]
    [InlineData("de-DE")]
    public void Numbers_in_messages_ignore_the_current_culture(string cultureName)
    {
        CultureInfo saved = CultureInfo.CurrentCulture, savedUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(cultureName);
            // The cultures must really differ, or this test proves nothing.
            Assert.NotEqual("-0.25", (-0.25).ToString(CultureInfo.CurrentCulture));

            GeneratorRun run = GeneratorHarness.Run("""
                using ModelGen;
                [Model, Input(-3), Dense(2)]
                public partial class Net;
                [Model, Input(8), Dropout(-0.25), Dense(2)]
                public partial class Other;
                """);

            GeneratorAssert.DidNotCrash(run);
            string[] messages = run.GeneratorDiagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(2, messages.Length);
            Assert.Contains("is -0.25;", messages[0], StringComparison.Ordinal); // "The dropout rate …"
            Assert.Contains("is -3;", messages[1], StringComparison.Ordinal);    // "The input size …"
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUi;
        }
    }
}
