var builder = WebApplication.CreateBuilder(args);

// Under systemd socket activation (deploy/helloweb.socket) Kestrel listens on the socket systemd
// holds, so requests wait in its queue while the service restarts after a deploy. Started any
// other way, this does nothing and the usual URLs apply.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.UseSystemd());

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/health", () => Results.Ok(new { status = "ok", version = typeof(Program).Assembly.GetName().Version?.ToString() }));

app.Run();
