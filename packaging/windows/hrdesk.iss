; Inno Setup 6 script of hrdesk's Windows installer. Saved as UTF-8 with a byte order
; mark, which Inno Setup needs to read the French, Spanish and Arabic messages.
;
; A per-user installation: no administrator password, the programs in
; %LOCALAPPDATA%\Programs\hrdesk, a Start menu entry, an uninstaller in
; "Apps & features". The user's data (vault, settings, translations) lives in
; %LOCALAPPDATA%\hrdesk, apart from the programs: upgrades and uninstalls leave it
; alone, unless the user asks the uninstaller to delete it (two questions, "No" first).
;
; Built by `python packaging/build.py` on Windows, which passes the version from
; pyproject.toml and the one-folder build (dist\hrdesk). By hand:
;   ISCC /DAppVersion=0.1.0 /DSourceDir=dist\hrdesk /DOutputDir=dist packaging\windows\hrdesk.iss

#ifndef AppVersion
  #error Pass /DAppVersion=x.y.z (packaging/build.py reads it from pyproject.toml)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\hrdesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
; Arabic is not among Inno Setup's bundled languages in every release.
#define HaveArabic FileExists(CompilerPath + "Languages\Arabic.isl")

[Setup]
; Never change AppId: upgrades and the uninstaller find the installed app by it.
AppId={{94F1566C-FE38-4A8C-B975-20BB94F701E6}
AppName=hrdesk
AppVersion={#AppVersion}
AppVerName=hrdesk {#AppVersion}
AppPublisher=hrdesk contributors
AppComments=Encrypted case management for human-rights organizations
DefaultDirName={autopf}\hrdesk
DefaultGroupName=hrdesk
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=hrdesk-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\hrdesk.ico
UninstallDisplayIcon={app}\hrdesk.exe
UninstallDisplayName=hrdesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"
#if HaveArabic
Name: "ar"; MessagesFile: "compiler:Languages\Arabic.isl"
#endif

[CustomMessages]
en.DeleteData=Also delete your hrdesk data?%n%n%1%n%nThis is your vault: every case, note and attachment in it, your demo vault, your settings and translations. Choose No to keep it (a later installation finds it again).
en.DeleteDataSure=Deleting it cannot be undone. Without a backup or your recovery key, the cases are lost for good.%n%nDelete your hrdesk data now?
fr.DeleteData=Supprimer aussi vos données hrdesk ?%n%n%1%n%nC'est votre coffre : tous les cas, notes et pièces jointes qu'il contient, votre coffre de démonstration, vos réglages et traductions. Choisissez Non pour les garder (une installation ultérieure les retrouvera).
fr.DeleteDataSure=La suppression est définitive. Sans sauvegarde ni clé de récupération, les cas sont perdus pour toujours.%n%nSupprimer vos données hrdesk maintenant ?
es.DeleteData=¿Eliminar también sus datos de hrdesk?%n%n%1%n%nEs su bóveda: todos los casos, notas y adjuntos que contiene, su bóveda de demostración, sus ajustes y traducciones. Elija No para conservarlos (una instalación posterior los encontrará).
es.DeleteDataSure=La eliminación no se puede deshacer. Sin una copia de seguridad o su clave de recuperación, los casos se pierden para siempre.%n%n¿Eliminar sus datos de hrdesk ahora?
en.AppComment=Encrypted case management for human-rights organizations
fr.AppComment=Gestion chiffrée des cas pour les organisations de défense des droits humains
es.AppComment=Gestión cifrada de casos para organizaciones de derechos humanos
#if HaveArabic
ar.DeleteData=هل تريد حذف بيانات hrdesk أيضًا؟%n%n%1%n%nهذه خزنتك: كل القضايا والملاحظات والمرفقات فيها، وخزنة العرض التجريبي، وإعداداتك وترجماتك. اختر «لا» للاحتفاظ بها (سيجدها أي تثبيت لاحق).
ar.AppComment=إدارة مشفرة للقضايا لمنظمات حقوق الإنسان
ar.DeleteDataSure=لا يمكن التراجع عن الحذف. من دون نسخة احتياطية أو مفتاح الاسترداد تضيع القضايا نهائيًا.%n%nهل تريد حذف بيانات hrdesk الآن؟
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the programs as a whole: no file of the older version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\hrdesk"; Filename: "{app}\hrdesk.exe"; Parameters: "gui"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\hrdesk"; Filename: "{app}\hrdesk.exe"; Parameters: "gui"; Tasks: desktopicon

[Run]
Filename: "{app}\hrdesk.exe"; Parameters: "gui"; Description: "{cm:LaunchProgram,hrdesk}"; Flags: nowait postinstall skipifsilent

[Code]
// The uninstaller removes {app} (the programs) only. The data folder is platformdirs'
// user data folder of hrdesk on Windows: %LOCALAPPDATA%\hrdesk (never {app}). It is
// deleted only when the user answers Yes twice; a silent uninstall always keeps it.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  DataDir := ExpandConstant('{localappdata}\hrdesk');
  if UninstallSilent or not DirExists(DataDir) then
    exit;
  if MsgBox(FmtMessage(CustomMessage('DeleteData'), [DataDir]), mbConfirmation,
            MB_YESNO or MB_DEFBUTTON2) <> IDYES then
    exit;
  if MsgBox(CustomMessage('DeleteDataSure'), mbError, MB_YESNO or MB_DEFBUTTON2) <> IDYES then
    exit;
  DelTree(DataDir, True, True, True);
end;
