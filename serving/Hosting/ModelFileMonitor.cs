using Microsoft.Extensions.Logging;

namespace ModelGen.Serving;

/// <summary>
/// The watch of one model's file: a new length or write time is a change; it is loaded once it has looked the
/// same on two checks in a row (a file still being copied keeps changing), and each change is tried once: a
/// refused file is logged and not tried again until it changes.
/// </summary>
internal sealed class ModelFileMonitor(ServedModel model, ILogger logger)
{
    private readonly string _path = model.Options.ModelPath!;
    private FileStamp? _handled = model.Current?.Stamp; // the file last loaded or refused
    private FileStamp? _candidate;                      // a change seen once, waiting to settle
    private bool _reportedMissing;

    public void Check()
    {
        FileStamp? now = FileStamp.Read(_path);
        if (now is null)
        {
            if (!_reportedMissing) ServingLog.ModelFileMissing(logger, model.Name, _path, model.Current?.Number ?? 0);
            _reportedMissing = true;
            _candidate = null;
            return;
        }
        _reportedMissing = false;
        if (now == _handled)
        {
            _candidate = null;
            return;
        }
        if (now != _candidate)
        {
            _candidate = now;
            return;
        }
        _handled = now;
        _candidate = null;
        try
        {
            model.Reload();
        }
        catch (Exception e)
        {
            // A ModelFileException's message starts with the path, which the log line already gives.
            string reason = OneLine(e.Message);
            if (reason.StartsWith(_path + ": ", StringComparison.Ordinal)) reason = reason[(_path.Length + 2)..];
            ServingLog.ModelRefused(logger, model.Name, _path, reason, model.Current?.Number ?? 0);
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
