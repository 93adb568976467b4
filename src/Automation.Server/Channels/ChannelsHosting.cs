using Automation.Channels.Hosting;
using Automation.Channels.Mail;
using Automation.Channels.Outbox;
using Automation.Channels.Providers;
using Automation.Server.Hosting;

namespace Automation.Server.Channels;

/// Wires the channels into the service (docs/channels.md): the outbox and its sender, email, SMS and call providers,
/// the mail listener, and the observers that turn their reports into order events and timeline lines.
public static class ChannelsHosting
{
    public static IServiceCollection AddClientChannels(this IServiceCollection services, IConfiguration config, StorageSettings storage)
    {
        // Registered before AddChannels, which only adds its logging defaults when the host has none.
        services.AddSingleton<ChannelEvents>();
        services.AddSingleton<EmployeeMessageOutcomes>();
        services.AddSingleton<OrderMessageObserver>();
        services.AddSingleton<IOutboxObserver>(sp => sp.GetRequiredService<OrderMessageObserver>());
        services.AddSingleton<IInboundMailObserver, IncomingEmailObserver>();
        services.AddSingleton(TwilioCallbacks.Read(config));
        services.AddSingleton(HttpCallCallbacks.Read(config));
        services.AddChannels(config, storage.ConnectionString, storage.WorkflowProvider);
        services.AddHostedService<InboundMailRecovery>();
        services.AddSingleton<EmployeeMessageForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<EmployeeMessageForwarder>());
        return services;
    }
}

/// The Twilio accounts whose status callbacks the host accepts (null when that channel does not use Twilio).
public sealed record TwilioCallbacks(TwilioOptions? Sms, TwilioOptions? Calls)
{
    public static TwilioCallbacks Read(IConfiguration config) => new(Twilio(config, "Sms"), Twilio(config, "Calls"));

    private static TwilioOptions? Twilio(IConfiguration config, string section) =>
        string.Equals(config[$"{section}:Provider"], "Twilio", StringComparison.OrdinalIgnoreCase)
            ? config.GetSection($"{section}:Twilio").Get<TwilioOptions>()
            : null;
}

/// The secret the generic HTTP voice service signs its call results with (null when calls do not go through it, or it
/// does not call back).
public sealed record HttpCallCallbacks(string? Secret)
{
    public static HttpCallCallbacks Read(IConfiguration config) =>
        new(string.Equals(config["Calls:Provider"], "Http", StringComparison.OrdinalIgnoreCase) && config["Calls:Http:CallbackSecret"] is { Length: > 0 } secret
            ? secret
            : null);
}

/// At start, repeats the incoming-mail notices a crash left owed (the outbox sender does the same for its own).
public sealed class InboundMailRecovery(InboundMailStore store, ILogger<InboundMailRecovery> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var repeated = await store.NotifyPendingAsync(cancellationToken);
        if (repeated > 0) log.LogInformation("Repeated {Count} incoming-mail notice(s) left owed by a stop", repeated);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
