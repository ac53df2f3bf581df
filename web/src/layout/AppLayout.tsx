import type { ReactNode } from 'react';
import { AppBar, Layout, LoadingIndicator, TitlePortal, UserMenu, Logout, useGetIdentity } from 'react-admin';
import { ProjectSwitcher } from './ProjectSwitcher';
import { LiveIndicator } from './LiveIndicator';
import { LiveSync } from './LiveSync';
import { AppMenu } from './Menu';
import { ProjectGate } from './ProjectGate';

function AccountMenu() {
  const { identity } = useGetIdentity();
  // The button shows the user's name: its accessible name must say the same.
  return (
    <UserMenu label={identity?.fullName ?? 'Account'}>
      <Logout />
    </UserMenu>
  );
}

function TopBar() {
  return (
    <AppBar
      userMenu={<AccountMenu />}
      toolbar={
        <>
          <LiveIndicator />
          <ProjectSwitcher />
          <LoadingIndicator />
        </>
      }
    >
      <span className="ew-brand">Evidence Workbench</span>
      <TitlePortal component="h1" sx={{ fontSize: '1.1rem', fontWeight: 500 }} />
    </AppBar>
  );
}

export function AppLayout({ children }: { children: ReactNode }) {
  return (
    <Layout appBar={TopBar} menu={AppMenu}>
      <ProjectGate>
        <LiveSync />
        {children}
      </ProjectGate>
    </Layout>
  );
}
