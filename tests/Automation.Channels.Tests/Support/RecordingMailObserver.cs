using System.Collections.Concurrent;
using Automation.Channels.Mail;

namespace Automation.Channels.Tests.Support;

/// Keeps the incoming-mail notices, and can be told to fail.
public sealed class RecordingMailObserver : IInboundMailObserver
{
    public ConcurrentQueue<IncomingEmail> Received { get; } = new();
    public int FailuresToThrow { get; set; }

    public Task ReceivedAsync(IncomingEmail email, CancellationToken cancellationToken)
    {
        if (FailuresToThrow > 0)
        {
            FailuresToThrow--;
            throw new InvalidOperationException("event inbox is down");
        }
        Received.Enqueue(email);
        return Task.CompletedTask;
    }
}
