namespace Automation.Server.Hosting;

/// A setting the service cannot start without; the message names the setting and how to give it.
public sealed class MissingSettingException(string message) : Exception(message);
