/** Routes and resources. Every screen is a lazy chunk with its own loading boundary
 * (common/screen.tsx): the first load is the shell only. */
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { QueryClient } from '@tanstack/react-query';
import { BrowserRouter, Route } from 'react-router-dom';
import { authProvider } from './api/authProvider';
import { dataProvider } from './api/dataProvider';
import { LoginPage } from './auth/LoginPage';
import { AppLayout, NEW_PROJECT_PATH } from './layout/AppLayout';
import { theme } from './layout/theme';
import { screen } from './common/screen';

const Home = screen(() => import('./layout/Home'));
const DocumentList = screen(() => import('./documents/DocumentList'));
const DocumentEdit = screen(() => import('./documents/DocumentEdit'));
const UploadPage = screen(() => import('./documents/UploadPage'));
const JobList = screen(() => import('./documents/JobList'));
const SearchPage = screen(() => import('./search/SearchPage'));
const ReaderPage = screen(() => import('./reader/ReaderPage'));
const CodebookPage = screen(() => import('./codes/CodebookPage'));
const TheoryList = screen(() => import('./theories/TheoryList'));
const TheoryCreate = screen(() => import('./theories/TheoryCreate'));
const TheoryEdit = screen(() => import('./theories/TheoryEdit'));
const CmocList = screen(() => import('./cmocs/CmocList'));
const CmocCreate = screen(() => import('./cmocs/CmocCreate'));
const CmocEdit = screen(() => import('./cmocs/CmocEdit'));
const MatrixPage = screen(() => import('./triangulation/MatrixPage'));
const AgreementPage = screen(() => import('./agreement/AgreementPage'));
const RoundsPage = screen(() => import('./rounds/RoundsPage'));
const RoundAgreementPage = screen(() => import('./rounds/RoundAgreementPage'));
const AdjudicationPage = screen(() => import('./rounds/AdjudicationPage'));
const ExportsPage = screen(() => import('./exports/ExportsPage'));
const ImportReviewPage = screen(() => import('./exports/ImportReviewPage'));
const MemberList = screen(() => import('./projects/MemberList'));
const ProjectCreatePage = screen(() => import('./projects/ProjectCreatePage'));
const AccountPage = screen(() => import('./account/AccountPage'));
const UsersPage = screen(() => import('./users/UsersPage'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

export function App() {
  // Clean URLs (/read/12, /search?q=…): the backend serves index.html for any non-API path.
  return (
    <BrowserRouter>
      <Admin
        title="Evidence Workbench"
        dataProvider={dataProvider}
        authProvider={authProvider}
        queryClient={queryClient}
        loginPage={LoginPage}
        layout={AppLayout}
        theme={theme}
        dashboard={Home}
        requireAuth
        disableTelemetry
      >
        <Resource name="documents" list={DocumentList} edit={DocumentEdit} recordRepresentation="title" />
        <Resource name="jobs" list={JobList} options={{ label: 'Ingest jobs' }} />
        <Resource name="codes" list={CodebookPage} recordRepresentation="name" options={{ label: 'Codebook' }} />
        <Resource
          name="theories"
          list={TheoryList}
          create={TheoryCreate}
          edit={TheoryEdit}
          recordRepresentation="statement"
        />
        <Resource
          name="cmocs"
          list={CmocList}
          create={CmocCreate}
          edit={CmocEdit}
          recordRepresentation="title"
          options={{ label: 'CMOCs' }}
        />
        <Resource name="members" list={MemberList} recordRepresentation="name" />
        <Resource name="annotations" />
        <Resource name="projects" recordRepresentation="name" />
        <Resource name="saved-searches" />
        <CustomRoutes>
          <Route path="/search" element={<SearchPage />} />
          <Route path="/read/:documentId" element={<ReaderPage />} />
          <Route path="/upload" element={<UploadPage />} />
          <Route path="/triangulation" element={<MatrixPage />} />
          <Route path="/agreement" element={<AgreementPage />} />
          <Route path="/rounds" element={<RoundsPage />} />
          <Route path="/rounds/:roundId/agreement" element={<RoundAgreementPage />} />
          <Route path="/rounds/:roundId/adjudication" element={<AdjudicationPage />} />
          <Route path="/exports" element={<ExportsPage />} />
          <Route path="/import-review" element={<ImportReviewPage />} />
          <Route path="/account" element={<AccountPage />} />
          <Route path={NEW_PROJECT_PATH} element={<ProjectCreatePage />} />
          <Route path="/accounts" element={<UsersPage />} />
        </CustomRoutes>
      </Admin>
    </BrowserRouter>
  );
}
