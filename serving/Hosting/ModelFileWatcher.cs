using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ModelGen.Serving;

/// <summary>
/// Looks at each watched model file every <see cref="InferenceServerOptions.ModelFilePollInterval"/> and loads it
/// again once a change has settled. Polling rather than file-system events: the MNIST sample's train replaces its
/// whole output folder by renaming, which a watcher on the folder would not follow, and a stat a second costs
/// nothing.
/// </summary>
internal sealed class ModelFileWatcher(ModelRepository repository, IOptions<InferenceServerOptions> options, ILogger<ModelFileWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ModelFileMonitor[] monitors = [.. repository.Models
            .Where(m => m.Options.ModelPath is not null && m.Options.WatchFile)
            .Select(m => new ModelFileMonitor(m, logger))];
        if (monitors.Length == 0) return;
        using var timer = new PeriodicTimer(options.Value.ModelFilePollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (ModelFileMonitor monitor in monitors) monitor.Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
