; Inno Setup script: a per-machine installer for the Windows bundle built by
; packaging/contactdesk.spec (dist\contactdesk\ with ContactDesk.exe and contactdesk-cli.exe).
;
;   iscc /DAppVersion=0.1.0 packaging\windows\contactdesk.iss
;
; AppVersion must be the version in pyproject.toml (packaging/README.md shows how to read it).
; Output: dist\ContactDesk-<version>-setup.exe. Silent install for software deployment:
;   ContactDesk-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\windows\contactdesk.iss
#endif

[Setup]
AppId={{6B1E2C84-3F1D-4C0B-9C55-2A8E8F1C7D31}
AppName=ContactDesk
AppVersion={#AppVersion}
AppPublisher=ContactDesk developers
DefaultDirName={autopf}\ContactDesk
DefaultGroupName=ContactDesk
DisableProgramGroupPage=yes
; Per machine: every user of the PC gets the Start-menu entry.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=ContactDesk-{#AppVersion}-setup
SetupIconFile=build\icons\contactdesk.ico
UninstallDisplayIcon={app}\ContactDesk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
; An upgrade replaces the whole folder: files of an older version must not linger.
Source: "dist\contactdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The system-wide settings file's template; config.toml itself is the administrator's.
Source: "packaging\config.example.toml"; DestDir: "{commonappdata}\ContactDesk"; Flags: ignoreversion

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Dirs]
Name: "{commonappdata}\ContactDesk"

[Icons]
Name: "{autoprograms}\ContactDesk"; Filename: "{app}\ContactDesk.exe"; Comment: "Log calls and track council cases"

[Run]
Filename: "{app}\ContactDesk.exe"; Description: "Start ContactDesk"; Flags: nowait postinstall skipifsilent unchecked
